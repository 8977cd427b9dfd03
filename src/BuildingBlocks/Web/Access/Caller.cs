using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Web.Access;

/// <summary>
/// The caller of an endpoint, as its token says. An endpoint that reads or changes a customer's resources asks
/// <see cref="MayActForAsync"/> with the customer the resource belongs to, and answers <c>404</c> when not: to another
/// customer, someone else's account looks exactly like a missing one.
/// </summary>
public sealed class Caller
{
    private readonly ClaimsPrincipal _user;
    private readonly IAuthorizationService _authorization;

    private Caller(ClaimsPrincipal user, IAuthorizationService authorization)
    {
        _user = user;
        _authorization = authorization;
    }

    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<Caller?>(new Caller(context.User, context.RequestServices.GetRequiredService<IAuthorizationService>()));

    /// <summary>Whether the caller may read and move the money of <paramref name="customerId"/>: that customer, or an operator.</summary>
    public async Task<bool> MayActForAsync(Guid customerId) =>
        (await _authorization.AuthorizeAsync(_user, new BankAccess.CustomerOwned(customerId), BankAccess.OwnerOrOperator)).Succeeded;
}
