namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// A query-model document fed by one event stream and keyed by that stream's id, or a row one event makes
/// (<see cref="QueryModelBatch.AddAsync{TRow}"/>), keyed by <see cref="QueryModelBatch.RowId"/>. <see cref="Version"/> is the version of
/// the last event of that stream applied to it: Marten's numeric revision of the document.
/// </summary>
public interface IVersionedView
{
    Guid Id { get; }

    long Version { get; }
}
