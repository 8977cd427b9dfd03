using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Access;
using Bank.BuildingBlocks.Web.Idempotency;
using Bank.Customers.Domain;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Customers.CreateCustomer;

internal static class CreateCustomerEndpoint
{
    internal sealed record CreateCustomerRequest(string? FirstName, string? LastName, string? Email);

    internal sealed record CustomerCreatedResponse(Guid Id);

    public static void MapCreateCustomer(this IEndpointRouteBuilder app) =>
        app.MapPost("/customers", Handle)
            .RequireAuthorization(BankAccess.OperatorOnly)
            .WithName("CreateCustomer")
            .WithSummary("Registers a customer. The email must be unique, ignoring case.")
            .Produces<CustomerCreatedResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

    internal static async Task<IResult> Handle(
        CreateCustomerRequest request, IdempotencyKey idempotencyKey, IDocumentSession session, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!PersonName.TryCreate(request.FirstName, out var firstName, out var error))
        {
            errors.Add("firstName", error!);
        }

        if (!PersonName.TryCreate(request.LastName, out var lastName, out error))
        {
            errors.Add("lastName", error!);
        }

        if (!EmailAddress.TryCreate(request.Email, out var email, out error))
        {
            errors.Add("email", error!);
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (await idempotencyKey.EarlierAnswerAsync(session, request, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var customerId = Guid.CreateVersion7();
        session.Events.StartStream<Customer>(customerId, Customer.Register(customerId, firstName!, lastName!, email!));
        session.Insert(new EmailReservation(email!.Normalized, customerId));
        try
        {
            return await idempotencyKey.CommitAsync(
                session, TypedResults.Created($"/customers/{customerId}", new CustomerCreatedResponse(customerId)), cancellationToken);
        }
        catch (DocumentAlreadyExistsException)
        {
            return Problems.Conflict(
                "The email address is already registered.",
                $"A customer with the email address '{Problems.Truncate(email.Value)}' already exists.");
        }
    }
}
