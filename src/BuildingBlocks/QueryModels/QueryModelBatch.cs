using System.Buffers.Binary;
using System.Security.Cryptography;
using Bank.BuildingBlocks.Consumers;
using Marten;
using MassTransit;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// The query-model changes of a batch of events, written in one transaction (scoped: one per batch).
/// Query-model consumers apply events to views held here; <see cref="SaveAsync"/> writes every changed
/// view once, with the version of the last event applied to it. Views of the streams named in
/// <see cref="Expect"/> are loaded with one query per view type when first needed, so a batch costs a
/// few round trips instead of two per event.
/// </summary>
public sealed class QueryModelBatch(IDocumentStore store, QueryModelAnnouncements? announcements = null) : IAsyncDisposable
{
    private readonly Dictionary<(Type Type, Guid Id), IHeldView> _views = [];
    private readonly HashSet<Type> _loadedTypes = [];
    private readonly HashSet<Guid> _expected = [];

    // How to take back what the event being handled changed, should one of its consumers fail for good.
    private readonly List<Action> _undo = [];

    // MassTransit runs the consumers of one event concurrently, and neither the held views nor a Marten session may be
    // used by two at once: each change to the batch is made alone.
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private IQuerySession? _session;

    /// <summary>The streams whose events the batch carries; their views are loaded together.</summary>
    internal void Expect(IEnumerable<Guid> streamIds) => _expected.UnionWith(streamIds);

    /// <summary>Whether the event begun last moved a view; a duplicate or an older event moves none.</summary>
    internal bool EventMovedAView { get; private set; }

    /// <summary>Starts an event: what its consumers change from here on can be taken back with <see cref="UndoEvent"/>.</summary>
    internal void BeginEvent()
    {
        _undo.Clear();
        EventMovedAView = false;
    }

    /// <summary>
    /// Takes back every change of the event begun last: when one of its consumers fails for good, none of the module's
    /// models shows the event (a model cannot be ahead of another for an event that is set aside).
    /// </summary>
    internal void UndoEvent()
    {
        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            _undo[i]();
        }

        _undo.Clear();
    }

    /// <summary>
    /// Applies an event to the view of its stream only when it is newer than what the view has seen:
    /// duplicates and older events change nothing, so at-least-once delivery has an exactly-once effect.
    /// The database checks the version again on write, so two instances racing on one view cannot
    /// move it backwards.
    /// </summary>
    public Task ApplyAsync<TView>(ConsumeContext context, Guid id, Func<TView?, long, TView> apply)
        where TView : class, IVersionedView =>
        ApplyAsync(id, context.GetEventMetadata().StreamVersion, apply, context.CancellationToken);

    /// <summary>
    /// Adds the row that the event alone makes (a statement line, say). Its id comes from the event's stream and
    /// version (<see cref="RowId"/>), so a stream has at most one row per version: a redelivered event finds its
    /// row written already and changes nothing.
    /// </summary>
    public async Task AddAsync<TRow>(ConsumeContext context, Func<EventMetadata, Guid, TRow> row)
        where TRow : class, IVersionedView
    {
        var metadata = context.GetEventMetadata();
        var id = RowId(metadata.StreamId, metadata.StreamVersion);
        var added = row(metadata, id);
        if (added.Id != id || added.Version != metadata.StreamVersion)
        {
            throw new InvalidOperationException(
                $"A {typeof(TRow).Name} added for version {metadata.StreamVersion} of {metadata.StreamId} came out as {added.Id} at {added.Version}.");
        }

        await _oneAtATime.WaitAsync(context.CancellationToken);
        try
        {
            if (_views.TryAdd((typeof(TRow), id), new HeldView<TRow>(stored: null) { Current = added, Announced = false }))
            {
                _undo.Add(() => _views.Remove((typeof(TRow), id)));
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The id of the row made by the event at <paramref name="version"/> of stream <paramref name="streamId"/>: the same every time.</summary>
    public static Guid RowId(Guid streamId, long version)
    {
        Span<byte> name = stackalloc byte[24];
        streamId.TryWriteBytes(name, bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(name[16..], version);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(name, hash);
        // An RFC 9562 version 8 (name-based, custom hash) UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>Applies the event at <paramref name="version"/> of stream <paramref name="id"/> to its view, when newer.</summary>
    internal async Task ApplyAsync<TView>(Guid id, long version, Func<TView?, long, TView> apply, CancellationToken cancellationToken)
        where TView : class, IVersionedView
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await ApplyAloneAsync(id, version, apply, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task ApplyAloneAsync<TView>(Guid id, long version, Func<TView?, long, TView> apply, CancellationToken cancellationToken)
        where TView : class, IVersionedView
    {
        var held = await HoldAsync<TView>(id, cancellationToken);
        if (held.Current is not null && held.Current.Version >= version)
        {
            return;
        }

        var next = apply(held.Current, version);
        if (next.Id != id || next.Version != version)
        {
            throw new InvalidOperationException($"A {typeof(TView).Name} applied for {id} at version {version} came out as {next.Id} at {next.Version}.");
        }

        var previous = held.Current;
        _undo.Add(() => held.Current = previous);
        held.Current = next;
        EventMovedAView = true;
    }

    /// <summary>Writes every view changed since the last save, in one transaction; nothing when none changed.</summary>
    internal async Task SaveAsync(CancellationToken cancellationToken)
    {
        var changed = _views.Values.Where(v => v.Changed).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        await using var session = store.LightweightSession();
        foreach (var view in changed)
        {
            view.Write(session);
        }

        await session.SaveChangesAsync(cancellationToken);
        announcements?.Announce(changed.Where(view => view.Announced).Select(view => (view.ViewName, view.Id)));
        foreach (var view in changed)
        {
            view.Saved();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _oneAtATime.Dispose();
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }

    private async Task<HeldView<TView>> HoldAsync<TView>(Guid id, CancellationToken cancellationToken)
        where TView : class, IVersionedView
    {
        if (_expected.Contains(id) && _loadedTypes.Add(typeof(TView)))
        {
            var loaded = (await Session().LoadManyAsync<TView>(cancellationToken, _expected)).ToDictionary(v => v.Id);
            foreach (var expectedId in _expected)
            {
                _views.TryAdd((typeof(TView), expectedId), new HeldView<TView>(loaded.GetValueOrDefault(expectedId)));
            }
        }

        if (!_views.TryGetValue((typeof(TView), id), out var held))
        {
            held = new HeldView<TView>(await Session().LoadAsync<TView>(id, cancellationToken));
            _views.Add((typeof(TView), id), held);
        }

        return (HeldView<TView>)held;
    }

    private IQuerySession Session() => _session ??= store.QuerySession();

    private interface IHeldView
    {
        string ViewName { get; }

        Guid Id { get; }

        bool Changed { get; }

        /// <summary>Whether readers may wait for this view (<see cref="QueryModelWaits"/>); not for rows that only add up.</summary>
        bool Announced { get; }

        void Write(IDocumentSession session);

        void Saved();
    }

    /// <summary>A view as stored (<see cref="Stored"/>) and as the batch's events left it (<see cref="Current"/>).</summary>
    private sealed class HeldView<TView>(TView? stored) : IHeldView
        where TView : class, IVersionedView
    {
        public TView? Stored { get; private set; } = stored;

        public TView? Current { get; set; } = stored;

        public bool Announced { get; init; } = true;

        public string ViewName => typeof(TView).Name;

        public Guid Id => Current!.Id;

        public bool Changed => !ReferenceEquals(Stored, Current);

        // Inserts or updates, unless the stored view already has this version or a newer one
        // (another instance got there first): the write never moves a view backwards.
        public void Write(IDocumentSession session) => session.TryUpdateRevision(Current!, Current!.Version);

        public void Saved() => Stored = Current;
    }
}
