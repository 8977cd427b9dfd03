using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.Web;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Customers.CustomerDetails;

internal static class GetCustomerEndpoint
{
    internal sealed record CustomerDetailsResponse(
        Guid Id, string FirstName, string LastName, string Email, IReadOnlyList<AccountBalance> Accounts, TotalBalance TotalBalance);

    internal sealed record AccountBalance(Guid Id, string Currency, decimal Balance);

    internal sealed record TotalBalance(decimal Amount, string Currency);

    public static void MapGetCustomer(this IEndpointRouteBuilder app) =>
        app.MapGet("/customers/{id}", Handle)
            .WithName("GetCustomer")
            .WithSummary("A customer with their accounts and the total of their balances in the reporting currency.")
            .Produces<CustomerDetailsResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal static async Task<IResult> Handle(
        string id, IQuerySession session, ExchangeRates rates, ReportingCurrency reporting, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var customerId))
        {
            return Problems.InvalidId("id", id);
        }

        var profile = await session.LoadAsync<CustomerProfile>(customerId, cancellationToken);
        if (profile is null)
        {
            return Problems.NotFound("Customer not found.", $"There is no customer with id {customerId}.");
        }

        var accounts = await session.Query<CustomerAccount>()
            .Where(account => account.CustomerId == customerId)
            .OrderBy(account => account.Id)
            .ToListAsync(cancellationToken);
        var total = accounts.Sum(account =>
            Currencies.TryParse(account.Currency, out var currency) ? rates.Convert(account.Balance, currency, reporting.Currency) : 0m);

        return TypedResults.Ok(new CustomerDetailsResponse(
            profile.Id,
            profile.FirstName,
            profile.LastName,
            profile.Email,
            accounts.Select(account => new AccountBalance(account.Id, account.Currency, account.Balance)).ToList(),
            new TotalBalance(total, reporting.Currency.ToString())));
    }
}
