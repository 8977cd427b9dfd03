namespace Bank.Testing;

public static class QueryModels
{
    /// <summary>Waits until both modules' models have applied every event of every account, then runs the host's verify command.</summary>
    public static async Task<(int ExitCode, string Output)> ConvergeAndVerifyAsync(TestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        await Eventually.ReturnsAsync(
            () => database.ScalarAsync<long>(
                """
                SELECT count(*) FROM bank.mt_streams s
                WHERE EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'AccountOpened')
                  AND (NOT EXISTS (SELECT 1 FROM accounts.mt_doc_accountview v WHERE v.id = s.id AND v.mt_version = s.version)
                    OR NOT EXISTS (SELECT 1 FROM customers.mt_doc_customeraccount c WHERE c.id = s.id AND c.mt_version = s.version))
                """),
            behind => behind == 0,
            TimeSpan.FromSeconds(120));
        return await HostProcess.RunCommandAsync(settings, "verify");
    }
}
