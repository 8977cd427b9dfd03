using Bank.BuildingBlocks.Settings;
using Bank.Customers.GetCustomerDetails;

namespace Bank.Customers;

/// <summary>The <c>Customers</c> settings.</summary>
internal sealed class CustomersOptions : ISettings<CustomersOptions>
{
    public static string SectionName => "Customers";

    /// <summary>The currency a customer's total balance is reported in.</summary>
    public string ReportingCurrency { get; set; } = nameof(Currency.EUR);

    internal ReportingCurrency Reporting => new(Currencies.TryParse(ReportingCurrency, out var currency) ? currency : Currency.EUR);

    public IEnumerable<string> Problems()
    {
        if (!Currencies.TryParse(ReportingCurrency, out _))
        {
            yield return SettingSections.Problem(SectionName, nameof(ReportingCurrency), ReportingCurrency, $"must be one of {Currencies.Names}.");
        }
    }
}
