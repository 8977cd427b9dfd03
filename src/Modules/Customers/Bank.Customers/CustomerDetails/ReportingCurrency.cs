using Bank.BuildingBlocks.Money;

namespace Bank.Customers.CustomerDetails;

/// <summary>The currency customers' total balances are reported in (<c>Customers:ReportingCurrency</c>).</summary>
internal sealed record ReportingCurrency(Currency Currency);
