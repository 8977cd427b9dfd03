using Bank.Messaging.Kafka.Embedded;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>
/// The Kafka cluster the host talks to: the configured one, or, when <c>Kafka:BootstrapServers</c>
/// is empty, an embedded broker started here (memory only) so that one command runs everything.
/// </summary>
internal sealed class KafkaCluster : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly EmbeddedKafkaBroker? _embedded;
    private readonly ILogger<KafkaCluster> _logger;
    // One for every admin client made here, so that retries against an unreachable cluster are throttled together.
    private readonly KafkaLog _adminLog;
    private readonly TaskCompletionSource _topicsReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public KafkaCluster(IOptions<KafkaOptions> options, ILogger<KafkaCluster> logger)
    {
        _options = options.Value;
        _logger = logger;
        _adminLog = new KafkaLog(logger);
        if (_options.UsesEmbeddedBroker)
        {
            _embedded = EmbeddedKafkaBroker.Start();
            logger.LogInformation("Embedded Kafka broker listening on {BootstrapServers}", _embedded.BootstrapServers);
            logger.LogWarning(
                "The embedded Kafka broker keeps its topics in memory only: they are gone when the host stops. " +
                "Set Kafka:BootstrapServers to use a real cluster.");
        }

        BootstrapServers = _embedded?.BootstrapServers ?? _options.BootstrapServers!;
    }

    public string BootstrapServers { get; }

    /// <summary>The embedded broker, when the host started one.</summary>
    public EmbeddedKafkaBroker? Embedded => _embedded;

    /// <summary>Client properties for every Kafka client: the pass-through section plus the bootstrap servers.</summary>
    public Dictionary<string, string> ClientProperties() =>
        new(_options.Client, StringComparer.Ordinal) { ["bootstrap.servers"] = BootstrapServers };

    /// <summary>Completes once the product's topics exist (or were left to the cluster's auto-creation).</summary>
    public Task TopicsReady => _topicsReady.Task;

    /// <summary>
    /// Creates the topics that are missing; false when Kafka cannot be reached, to be tried again. A cluster that refuses
    /// the admin API gets a warning and auto-creation.
    /// </summary>
    public async Task<bool> EnsureTopicsAsync(IReadOnlyCollection<string> topics, CancellationToken cancellationToken)
    {
        if (_embedded is not null)
        {
            foreach (var topic in topics)
            {
                _embedded.CreateTopic(topic, _options.Partitions);
            }

            _topicsReady.TrySetResult();
            return true;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig(ClientProperties()))
            .SetLogHandler((_, message) => _adminLog.Write(message))
            .Build();
        List<string> missing;
        try
        {
            // A stop waits for this call (librdkafka's cannot be cancelled): short, and tried again soon after.
            var metadata = await Task.Run(() => admin.GetMetadata(TimeSpan.FromSeconds(2)), cancellationToken);
            missing = topics.Where(topic => metadata.Topics.All(t => t.Topic != topic || t.Error.IsError)).ToList();
        }
        catch (KafkaException)
        {
            return false;
        }

        try
        {
            if (missing.Count > 0)
            {
                await admin.CreateTopicsAsync(
                    missing.Select(topic => new TopicSpecification
                    {
                        Name = topic,
                        NumPartitions = _options.Partitions,
                        ReplicationFactor = _options.ReplicationFactor,
                    }),
                    new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15) });
                _logger.LogInformation("Created Kafka topics {Topics}", string.Join(", ", missing));
            }
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance created them first.
        }
        catch (KafkaException e)
        {
            _logger.LogWarning(
                "Could not create the Kafka topics {Topics}; relying on the cluster's auto-creation. Reason: {Reason}",
                string.Join(", ", missing),
                e.Error.Reason);
        }

        _topicsReady.TrySetResult();
        return true;
    }

    public void Dispose() => _embedded?.Dispose();
}
