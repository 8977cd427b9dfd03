using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.Web;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Customers.GetCustomerDetails;

internal static class GetCustomerDetailsEndpoint
{
    internal sealed record CustomerDetailsResponse(
        Guid Id, string FirstName, string LastName, string Email, IReadOnlyList<AccountBalance> Accounts, TotalBalance TotalBalance);

    internal sealed record AccountBalance(Guid Id, string Currency, decimal Balance);

    internal sealed record TotalBalance(decimal Amount, string Currency);

    public static void MapGetCustomerDetails(this IEndpointRouteBuilder app) =>
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

        var customer = await session.LoadAsync<CustomerDetails>(customerId, cancellationToken);
        if (customer is null)
        {
            return Problems.NotFound("customer", customerId);
        }

        var accounts = await session.Query<CustomerAccount>()
            .Where(account => account.CustomerId == customerId)
            .OrderBy(account => account.Id)
            .ToListAsync(cancellationToken);
        var total = accounts.Sum(account =>
            Currencies.TryParse(account.Currency, out var currency) ? rates.Convert(account.Balance, currency, reporting.Currency) : 0m);

        return TypedResults.Ok(new CustomerDetailsResponse(
            customer.Id,
            customer.FirstName,
            customer.LastName,
            customer.Email,
            accounts.Select(account => new AccountBalance(account.Id, account.Currency, account.Balance)).ToList(),
            new TotalBalance(total, reporting.Currency.ToString())));
    }
}
