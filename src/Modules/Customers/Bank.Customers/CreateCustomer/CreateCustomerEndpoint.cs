using Bank.BuildingBlocks.Web.Idempotency;
using Bank.Customers.Domain;

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
        CreateCustomerRequest request, IdempotencyKey idempotencyKey, CommandPath commands, CancellationToken cancellationToken)
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

        return await commands.RunAsync(
            idempotencyKey,
            request,
            (session, _) =>
            {
                var customerId = Guid.CreateVersion7();
                session.Events.StartStream<Customer>(customerId, Customer.Register(customerId, firstName!, lastName!, email!));
                // Its primary key is the normalized address: a second customer with the address cannot commit.
                session.Insert(new EmailReservation(email!.Normalized, customerId));
                return Task.FromResult<IResult>(TypedResults.Created($"/customers/{customerId}", new CustomerCreatedResponse(customerId)));
            },
            cancellationToken,
            onDuplicate: () => Problems.Conflict(
                "The email address is already registered.",
                $"A customer with the email address '{Problems.Truncate(email!.Value)}' already exists."));
    }
}
