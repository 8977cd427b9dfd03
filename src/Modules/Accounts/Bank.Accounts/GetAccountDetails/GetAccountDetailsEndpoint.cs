using Bank.Accounts.Domain;
using Bank.BuildingBlocks.QueryModels;
using Bank.BuildingBlocks.Web;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Accounts.GetAccountDetails;

internal static class GetAccountDetailsEndpoint
{
    /// <summary><see cref="OwnerName"/> and <see cref="OwnerEmail"/> are null until the owner's events have arrived.</summary>
    internal sealed record AccountDetailsResponse(
        Guid Id, Guid OwnerId, string? OwnerName, string? OwnerEmail, string Currency, decimal Balance, long Version);

    public static void MapGetAccountDetails(this IEndpointRouteBuilder app) =>
        app.MapGet("/accounts/{id}", Handle)
            .WithName("GetAccount")
            .WithSummary(
                "An account with its owner's name and email, its balance and its stream version. With minVersion, answers once " +
                "the account shows at least that version (a command's returned version: read your own writes).")
            .Produces<AccountDetailsResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<IResult> Handle(
        string id, string? minVersion, IQuerySession session, QueryModelWaits waits, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return Problems.InvalidId("id", id);
        }

        AccountDetails? account;
        if (minVersion is null)
        {
            account = await session.LoadAsync<AccountDetails>(accountId, cancellationToken);
        }
        else
        {
            if (!QueryModelWaits.TryParseMinVersion(minVersion, out var wanted, out var error))
            {
                return Problems.Validation(new Dictionary<string, string> { ["minVersion"] = error! });
            }

            var stream = await session.Events.FetchStreamStateAsync(accountId, cancellationToken);
            if (stream is null || stream.AggregateType != typeof(Account))
            {
                return Problems.NotFound("account", accountId);
            }

            if (wanted > stream.Version)
            {
                return Problems.Validation(new Dictionary<string, string>
                {
                    ["minVersion"] = $"The account is at version {stream.Version}; {wanted} does not exist yet.",
                });
            }

            account = await waits.LoadAsync<AccountDetails>(session, accountId, wanted, cancellationToken);
            if (account is null || account.Version < wanted)
            {
                return Problems.QueryModelBehind("account", accountId, wanted, account?.Version ?? 0);
            }
        }

        if (account is null)
        {
            return Problems.NotFound("account", accountId);
        }

        var owner = await session.LoadAsync<AccountOwner>(account.OwnerId, cancellationToken);
        return TypedResults.Ok(new AccountDetailsResponse(
            account.Id,
            account.OwnerId,
            owner is null ? null : $"{owner.FirstName} {owner.LastName}",
            owner?.Email,
            account.Currency,
            account.Balance,
            account.Version));
    }
}
