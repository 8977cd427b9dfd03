namespace Bank.Customers.GetCustomerDetails;

/// <summary>The currency customers' total balances are reported in (<c>Customers:ReportingCurrency</c>).</summary>
internal sealed record ReportingCurrency(Currency Currency);
