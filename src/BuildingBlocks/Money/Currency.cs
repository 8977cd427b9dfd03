namespace Bank.BuildingBlocks.Money;

/// <summary>The currencies the bank keeps accounts in.</summary>
public enum Currency
{
    EUR,
    CAD,
    USD,
}
