using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Bank.Messaging.Telemetry;

/// <summary>
/// What <c>/metrics</c> shows of the event pipeline: how far behind the query models are, how much the relay
/// still has to send, how far each consumer group is behind each partition, and what was dead-lettered.
/// </summary>
internal sealed class MessagingMetrics
{
    private readonly Histogram<double> _queryModelLag;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _caughtUp;
    private readonly Counter<long> _sentAgain;
    private readonly ConcurrentDictionary<(string Group, string Topic), int> _catchingUp = new();
    private readonly ConcurrentDictionary<(string Group, string Topic, int Partition), long> _consumerLag = new();
    private long _relayBacklog = -1;
    private IReadOnlyDictionary<string, int> _parkedKeys = new Dictionary<string, int>();

    public MessagingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MessagingTelemetry.Name);
        _queryModelLag = meter.CreateHistogram(
            "bank.query_model.lag",
            unit: "s",
            description: "Time from an event's commit to the commit of the query models it changed, per module.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30] });
        _deadLetters = meter.CreateCounter<long>(
            "bank.dead_letters", unit: "{message}", description: "Messages a consumer group parked and copied to a dead-letter topic.");
        _refused = meter.CreateCounter<long>(
            "bank.events_refused",
            unit: "{message}",
            description: "Messages a consumer group refused because the event store holds no such event (forged, or from another environment).");
        _skipped = meter.CreateCounter<long>(
            "bank.events_skipped",
            unit: "{message}",
            description: "Messages a consumer group passed over: of a type this bank does not know, or of a newer version than it reads.");
        _caughtUp = meter.CreateCounter<long>(
            "bank.consumer.caught_up_events",
            unit: "{event}",
            description: "Events a consumer group handled from the event store on getting a partition: those Kafka no longer held, and any " +
                "handled just before (positions are recorded every second), which change nothing.");
        _sentAgain = meter.CreateCounter<long>(
            "bank.relay.sent_again",
            unit: "{event}",
            description: "Events the relay sent again after the broker lost them, because a consumer group had not finished them.");
        meter.CreateObservableGauge(
            "bank.consumer.catching_up",
            () => _catchingUp.Select(c => new Measurement<int>(
                c.Value, new KeyValuePair<string, object?>("group", c.Key.Group), new KeyValuePair<string, object?>("topic", c.Key.Topic))),
            unit: "{partition}",
            description: "Partitions a consumer group is catching up from the event store right now, in this instance.");
        meter.CreateObservableGauge(
            "bank.relay.backlog",
            () => Interlocked.Read(ref _relayBacklog) is >= 0 and var backlog ? [new Measurement<long>(backlog)] : Array.Empty<Measurement<long>>(),
            unit: "{event}",
            description: "Events committed to the event store but not yet acknowledged by the transport.");
        meter.CreateObservableGauge(
            "bank.consumer.lag",
            () => _consumerLag.Select(p => new Measurement<long>(
                p.Value,
                new KeyValuePair<string, object?>("group", p.Key.Group),
                new KeyValuePair<string, object?>("topic", p.Key.Topic),
                new KeyValuePair<string, object?>("partition", p.Key.Partition))),
            unit: "{message}",
            description: "Messages of a partition after its consumer group's committed offset, as last read from the cluster (every 2 s).");
        meter.CreateObservableGauge(
            "bank.parked_keys",
            () => Volatile.Read(ref _parkedKeys).Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("group", p.Key))),
            unit: "{key}",
            description: "Keys a consumer group parked after a message of theirs failed: their later events wait for an operator.");
    }

    public void QueryModelsWritten(string module, TimeSpan lag) =>
        _queryModelLag.Record(lag.TotalSeconds, new KeyValuePair<string, object?>("module", module));

    public void DeadLettered(string group, string topic) =>
        _deadLetters.Add(1, new KeyValuePair<string, object?>("group", group), new KeyValuePair<string, object?>("topic", topic));

    public void Refused(string group, string topic) =>
        _refused.Add(1, new KeyValuePair<string, object?>("group", group), new KeyValuePair<string, object?>("topic", topic));

    public void Skipped(string group, string topic) =>
        _skipped.Add(1, new KeyValuePair<string, object?>("group", group), new KeyValuePair<string, object?>("topic", topic));

    public void CatchingUp(string group, string topic, int partitions) => _catchingUp[(group, topic)] = partitions;

    public void CaughtUp(string group, string topic, int events) =>
        _caughtUp.Add(events, new KeyValuePair<string, object?>("group", group), new KeyValuePair<string, object?>("topic", topic));

    public void SentAgain(long events) => _sentAgain.Add(events);

    public void RelayBacklog(long backlog) => Interlocked.Exchange(ref _relayBacklog, backlog);

    public void ParkedKeys(IReadOnlyDictionary<string, int> byGroup) => Volatile.Write(ref _parkedKeys, byGroup);

    /// <summary>The lag of every partition of a group; partitions no longer there are dropped.</summary>
    public void ConsumerLag(string group, IReadOnlyDictionary<(string Topic, int Partition), long> lags)
    {
        foreach (var key in _consumerLag.Keys.Where(k => k.Group == group && !lags.ContainsKey((k.Topic, k.Partition))))
        {
            _consumerLag.TryRemove(key, out _);
        }

        foreach (var ((topic, partition), lag) in lags)
        {
            _consumerLag[(group, topic, partition)] = lag;
        }
    }
}
