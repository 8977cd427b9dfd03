using Bank.BuildingBlocks.Web;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>How every query answers <c>minVersion</c>: the version a command on the stream answered.</summary>
public static class ReadYourWrites
{
    /// <summary>
    /// The view once it shows at least <paramref name="minVersion"/>, or the problem to answer instead: <c>400</c> for a
    /// version the stream (at <paramref name="streamVersion"/>, as committed) has not reached, <c>503</c> when the
    /// wait ran out first.
    /// </summary>
    public static async Task<(TView? View, IResult? Problem)> LoadAtVersionAsync<TView>(
        this QueryModelWaits waits,
        IQuerySession session,
        string what,
        Guid id,
        long minVersion,
        long streamVersion,
        CancellationToken cancellationToken)
        where TView : class, IVersionedView
    {
        if (minVersion > streamVersion)
        {
            return (null, Problems.Validation(new Dictionary<string, string>
            {
                ["minVersion"] = $"The {what} is at version {streamVersion}; {minVersion} does not exist yet.",
            }));
        }

        var view = await waits.LoadAsync<TView>(session, id, minVersion, cancellationToken);
        return view is not null && view.Version >= minVersion
            ? (view, null)
            : (null, Problems.QueryModelBehind(what, id, minVersion, view?.Version ?? 0));
    }
}
