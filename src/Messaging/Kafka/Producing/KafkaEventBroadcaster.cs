using System.Diagnostics;
using System.Text;
using Bank.BuildingBlocks.Notifications;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Relay;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Producing;

/// <summary>
/// Sends a page of events to Kafka and returns when the cluster acknowledged all of them:
/// key = aggregate id, value = the event as camelCase JSON, headers describing it.
/// An idempotent producer with <c>acks=all</c> that never gives up on a message by itself
/// (<c>message.timeout.ms=0</c>): while the cluster is away, the page waits instead of leaving
/// gaps that a resend would fill out of order.
/// </summary>
internal sealed class KafkaEventBroadcaster : IEventBroadcaster, IDisposable
{
    // An idle member stays awake for a second after an append notification; events sent later may find it paused.
    private static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(500);

    private readonly KafkaOptions _options;
    private readonly KafkaCluster _cluster;
    private readonly RelayedOffsets _offsets;
    private readonly DatabaseNotifier _notifier;
    private readonly TimeProvider _clock;
    private readonly ILogger<KafkaEventBroadcaster> _logger;
    private IProducer<string, byte[]> _producer;
    private volatile bool _fatal;

    public KafkaEventBroadcaster(
        KafkaCluster cluster,
        IOptions<KafkaOptions> options,
        RelayedOffsets offsets,
        DatabaseNotifier notifier,
        TimeProvider clock,
        ILogger<KafkaEventBroadcaster> logger)
    {
        _offsets = offsets;
        _options = options.Value;
        _cluster = cluster;
        _notifier = notifier;
        _clock = clock;
        _logger = logger;
        _producer = CreateProducer();
    }

    public async Task<IReadOnlyCollection<object>> PublishAsync(IReadOnlyList<BroadcastEvent> page, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return [];
        }

        await _cluster.TopicsReady.WaitAsync(cancellationToken);
        if (_fatal)
        {
            // An idempotent producer that hit a fatal error (a broker that forgot it, say) is unusable: start afresh.
            _logger.LogWarning("Recreating the Kafka producer after a fatal error");
            _producer.Dispose();
            _fatal = false;
            _producer = CreateProducer();
        }

        var pending = new PageDelivery(page.Count, _offsets);
        var spans = new List<Activity>();
        try
        {
            foreach (var e in page)
            {
                var position = e.GlobalPosition;
                _producer.Produce(_options.TopicFor(e.Type.AggregateType), ToMessage(WithPublishSpan(e, spans)), report => pending.Report(report, position));
            }

            // The page is sent after linger.ms and its delivery reports arrive on the producer's own poll thread.
            // Flush is not used: it polls in 10 ms slices, so even a page of one event would wait for a slice.
            await pending.Completion.WaitAsync(cancellationToken);
            if (_clock.GetUtcNow() - page.Min(e => e.Timestamp) > LateAfter)
            {
                // Consumer group members that went idle since the append was notified wake for them, too.
                _notifier.Notify(EventAppends.Channel);
            }

            return pending.LastPositions();
        }
        catch (Exception e)
        {
            spans.ForEach(span => span.SetStatus(ActivityStatusCode.Error, e.Message));
            throw;
        }
        finally
        {
            spans.ForEach(span => span.Dispose());
        }
    }

    /// <summary>
    /// A span per event in the trace of its command, when traces are collected, ending with the page's
    /// acknowledgement; the message's traceparent then names it, so consumers continue from there.
    /// </summary>
    private static BroadcastEvent WithPublishSpan(BroadcastEvent e, List<Activity> spans)
    {
        var outer = Activity.Current;
        var span = MessagingTelemetry.StartSpan($"publish {e.Type.Name}", ActivityKind.Producer, e.TraceParent);
        Activity.Current = outer;
        if (span is null)
        {
            return e;
        }

        spans.Add(span.SetTag("bank.stream_id", e.StreamId).SetTag("bank.stream_version", e.StreamVersion));
        return e with { TraceParent = span.Id };
    }

    private IProducer<string, byte[]> CreateProducer()
    {
        var log = new KafkaLog(_logger);
        return new ProducerBuilder<string, byte[]>(new ProducerConfig(_cluster.ClientProperties())
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = 0,
            LingerMs = 1,
            ClientId = "bank-event-relay",
            // Whatever the client settings say: catching up from the event store computes partitions the same way.
            Partitioner = Partitioner.ConsistentRandom,
            // Delivery reports carry only the outcome: the page already has the messages.
            DeliveryReportFields = "status",
        })
            .SetLogHandler((_, message) => log.Write(message))
            .SetErrorHandler((_, error) =>
            {
                _fatal |= error.IsFatal;
                log.Error("Kafka producer", error);
            })
            .Build();
    }

    private static Message<string, byte[]> ToMessage(BroadcastEvent e)
    {
        var headers = new Headers();
        foreach (var (name, value) in EventHeaders.Of(e))
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        return new Message<string, byte[]>
        {
            Key = e.StreamId.ToString("D"),
            Value = e.ToJson(),
            Headers = headers,
            Timestamp = new Timestamp(e.Timestamp),
        };
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    /// <summary>
    /// Counts the delivery reports of one page, and where each partition's last event went; the first failure fails the
    /// page. Reports arrive one at a time, on the producer's poll thread.
    /// </summary>
    private sealed class PageDelivery(int count, RelayedOffsets offsets)
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<TopicPartition, long> _lastPositions = [];
        private int _remaining = count;

        public Task Completion => _completion.Task;

        public void Report(DeliveryReport<string, byte[]> report, long position)
        {
            if (report.Error.IsError)
            {
                _completion.TrySetException(new KafkaException(report.Error));
                return;
            }

            offsets.Acknowledged(report.TopicPartitionOffset);
            _lastPositions[report.TopicPartition] = Math.Max(_lastPositions.GetValueOrDefault(report.TopicPartition), position);
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _completion.TrySetResult();
            }
        }

        /// <summary>Read once every report arrived.</summary>
        public IReadOnlyCollection<object> LastPositions() =>
            [.. _lastPositions.Select(p => new RelayedPartition(RelayedPartition.IdOf(p.Key.Topic, p.Key.Partition.Value), p.Key.Topic, p.Key.Partition.Value, p.Value))];
    }
}
