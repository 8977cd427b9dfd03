using Microsoft.AspNetCore.Authorization;

namespace Bank.BuildingBlocks.Web.Access;

/// <summary>
/// Who may do what, as authorization policies. A token carries a role: an <see cref="Operator"/> may do everything; a
/// <see cref="Customer"/>, whose token's subject is their customer id, may act only for themselves
/// (<see cref="OwnerOrOperator"/>, checked against the customer a resource belongs to through <see cref="Caller"/>).
/// </summary>
public static class BankAccess
{
    public const string Operator = "operator";
    public const string Customer = "customer";

    /// <summary>The claim types the bank reads from a token, as issuers send them (inbound claim mapping is off).</summary>
    public const string RoleClaim = "role";

    public const string SubjectClaim = "sub";

    /// <summary>Policy: an operator.</summary>
    public const string OperatorOnly = "OperatorOnly";

    /// <summary>Policy: an operator or a customer; what they may touch is then checked per resource with <see cref="OwnerOrOperator"/>.</summary>
    public const string OperatorOrCustomer = "OperatorOrCustomer";

    /// <summary>Resource policy: an operator, or the customer the resource (a <see cref="CustomerOwned"/>) belongs to.</summary>
    public const string OwnerOrOperator = "OwnerOrOperator";

    public static IServiceCollection AddBankAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, OwnerHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorOnly, policy => policy.RequireAuthenticatedUser().RequireRole(Operator))
            .AddPolicy(OperatorOrCustomer, policy => policy.RequireAuthenticatedUser().RequireRole(Operator, Customer))
            .AddPolicy(OwnerOrOperator, policy => policy.RequireAuthenticatedUser().AddRequirements(new OwnerRequirement()));
        return services;
    }

    /// <summary>A resource that belongs to one customer: their customer record, an account, its statement.</summary>
    public sealed record CustomerOwned(Guid CustomerId);

    private sealed class OwnerRequirement : IAuthorizationRequirement;

    private sealed class OwnerHandler : AuthorizationHandler<OwnerRequirement, CustomerOwned>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnerRequirement requirement, CustomerOwned resource)
        {
            var user = context.User;
            if (user.IsInRole(Operator) ||
                (user.IsInRole(Customer) && Guid.TryParse(user.FindFirst(SubjectClaim)?.Value, out var customerId) && customerId == resource.CustomerId))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
