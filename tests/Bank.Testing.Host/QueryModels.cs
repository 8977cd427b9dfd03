namespace Bank.Testing;

public static class QueryModels
{
    /// <summary>How many account and customer streams the modules' models have not caught up with.</summary>
    public const string BehindSql =
        """
        SELECT count(*) FROM bank.mt_streams s
        WHERE (EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'AccountOpened')
            AND (NOT EXISTS (SELECT 1 FROM accounts.mt_doc_accountview v WHERE v.id = s.id AND v.mt_version = s.version)
              OR NOT EXISTS (SELECT 1 FROM customers.mt_doc_customeraccount c WHERE c.id = s.id AND c.mt_version = s.version)))
          OR (EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'CustomerCreated')
            AND NOT EXISTS (SELECT 1 FROM customers.mt_doc_customerprofile p WHERE p.id = s.id AND p.mt_version = s.version))
        """;

    /// <summary>Waits until the modules' models have applied every event of every account and customer, then runs the host's verify command.</summary>
    public static async Task<(int ExitCode, string Output)> ConvergeAndVerifyAsync(TestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        await Eventually.ReturnsAsync(() => database.ScalarAsync<long>(BehindSql), behind => behind == 0, TimeSpan.FromSeconds(120));
        var (exitCode, output) = await HostProcess.RunCommandAsync(settings, "verify");
        var statements = await StatementDifferencesAsync(database);
        return statements.Count == 0 ? (exitCode, output) : (1, $"{output}\n{string.Join('\n', statements)}");
    }

    /// <summary>
    /// Where an account's statement is not its event stream: a money movement without its line, or a line of no
    /// movement (doubled, or at another version). Empty when every statement has exactly one line per movement.
    /// </summary>
    public static async Task<IReadOnlyList<string>> StatementDifferencesAsync(TestDatabase database)
    {
        var differences = await database.ScalarAsync<string>(
            """
            WITH movements AS (
                SELECT stream_id AS account_id, version FROM bank.mt_events
                WHERE split_part(type, '.', 1) IN ('MoneyDeposited', 'MoneyWithdrawn', 'MoneyTransferredOut', 'MoneyTransferredIn')),
            lines AS (SELECT account_id, mt_version AS version FROM accounts.mt_doc_statementline),
            missing AS (SELECT * FROM movements EXCEPT ALL SELECT * FROM lines),
            extra AS (SELECT * FROM lines EXCEPT ALL SELECT * FROM movements)
            SELECT coalesce(string_agg(what, E'\n'), '') FROM (
                SELECT format('account %s: no statement line for version %s', account_id, version) AS what FROM missing
                UNION ALL
                SELECT format('account %s: a statement line at version %s is no movement, or one too many', account_id, version) FROM extra) d
            """);
        return differences.Length == 0 ? [] : differences.Split('\n');
    }
}
