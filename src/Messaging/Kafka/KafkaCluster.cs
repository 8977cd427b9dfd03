using Bank.Messaging.EmbeddedKafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bank.Messaging.Kafka;

/// <summary>
/// The Kafka cluster the host talks to: the configured one, or, when <c>Kafka:BootstrapServers</c>
/// is empty, an embedded broker started here (memory only) so that one command runs everything.
/// </summary>
internal sealed class KafkaCluster : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly EmbeddedKafkaBroker? _embedded;
    private readonly ILogger<KafkaCluster> _logger;

    public KafkaCluster(IOptions<KafkaOptions> options, ILogger<KafkaCluster> logger)
    {
        _options = options.Value;
        _logger = logger;
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

    /// <summary>Creates the topics that are missing. A cluster that refuses the admin API gets a warning and auto-creation.</summary>
    public async Task EnsureTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken)
    {
        var wanted = topics.Distinct(StringComparer.Ordinal).ToList();
        if (_embedded is not null)
        {
            foreach (var topic in wanted)
            {
                _embedded.CreateTopic(topic, _options.Partitions);
            }

            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig(ClientProperties()))
            .SetLogHandler((_, message) => KafkaLog.Write(_logger, message))
            .Build();
        try
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var missing = wanted.Where(topic => metadata.Topics.All(t => t.Topic != topic || t.Error.IsError)).ToList();
            if (missing.Count == 0)
            {
                return;
            }

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
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance created them first.
        }
        catch (KafkaException e)
        {
            _logger.LogWarning(
                e,
                "Could not create the Kafka topics {Topics}; relying on the cluster's auto-creation. Reason: {Reason}",
                string.Join(", ", wanted),
                e.Error.Reason);
        }
    }

    public void Dispose() => _embedded?.Dispose();
}
