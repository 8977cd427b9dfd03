using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Web.Idempotency;
using Bank.Customers.Contracts;

namespace Bank.Accounts.OpenAccount;

internal static class OpenAccountEndpoint
{
    internal sealed record OpenAccountRequest(Guid? CustomerId, string? Currency);

    internal sealed record AccountOpenedResponse(Guid Id);

    public static void MapOpenAccount(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts", Handle)
            .WithName("OpenAccount")
            .RequireAuthorization(BankAccess.OperatorOnly)
            .WithSummary("Opens an account in EUR, CAD or USD for an existing customer.")
            .Produces<AccountOpenedResponse>(StatusCodes.Status201Created)
            .ProducesCommandProblems(refusable: false);

    internal static async Task<IResult> Handle(
        OpenAccountRequest request,
        IdempotencyKey idempotencyKey,
        ICustomerDirectory customers,
        CommandPath commands,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.CustomerId is null || request.CustomerId == Guid.Empty)
        {
            errors.Add("customerId", "Required; the id of an existing customer.");
        }

        if (!Currencies.TryParse(request.Currency, out var currency))
        {
            errors.Add("currency", Currencies.Error(request.Currency));
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        var customerId = request.CustomerId!.Value;
        return await commands.RunAsync(idempotencyKey, request, async (session, cancellation) =>
        {
            if (!await customers.ExistsAsync(customerId, cancellation))
            {
                return Problems.NotFound("customer", customerId);
            }

            var accountId = Guid.CreateVersion7();
            session.Events.StartStream<Account>(accountId, Account.Open(accountId, customerId, currency));
            return TypedResults.Created($"/accounts/{accountId}", new AccountOpenedResponse(accountId));
        }, cancellationToken);
    }
}
