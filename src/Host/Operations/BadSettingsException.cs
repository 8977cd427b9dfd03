namespace Bank.Host.Operations;

/// <summary>An operator command's settings are bad: the lines say which, as they would stop the host.</summary>
internal sealed class BadSettingsException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems));
