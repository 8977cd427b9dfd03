using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>
/// The host's one long-lived admin client, for its periodic readings of the cluster: the consumer groups' watch and the
/// topics' sizes. Each client keeps threads and a poll loop awake for as long as it lives, so they share it. Readings
/// take turns, so that a client is never disposed while another reading uses it.
/// </summary>
internal sealed class ClusterAdmin(KafkaCluster cluster, ILogger<ClusterAdmin> logger) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly KafkaLog _log = new(logger);
    private IAdminClient? _client;

    /// <summary>
    /// Runs <paramref name="read"/> with the client, in turn with the other readings. A null answer says the cluster could
    /// not be read, and renews the client: one whose requests timed out against a restarted broker can keep timing out.
    /// </summary>
    public async Task<T?> ReadAsync<T>(Func<IAdminClient, Task<T?>> read, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            _client ??= new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties()))
                .SetLogHandler((_, message) => _log.Write(message))
                .Build();
            var answer = await read(_client);
            if (answer is null)
            {
                _client.Dispose();
                _client = null;
            }

            return answer;
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _turn.Dispose();
    }
}
