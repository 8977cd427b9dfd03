using MassTransit;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>The retry policy of query-model consumers: transient failures (a database hiccup while loading a view) pass.</summary>
public static class QueryModelRetry
{
    public static void Configure(IRetryConfigurator retry)
    {
        retry.Intervals(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
        retry.Ignore<OperationCanceledException>();
    }
}
