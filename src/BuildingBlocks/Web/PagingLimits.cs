namespace Bank.BuildingBlocks.Web;

/// <summary>Endpoint metadata: the largest <c>pageSize</c> the endpoint accepts, for the OpenAPI document.</summary>
public sealed record PagingLimits(int MaxPageSize);
