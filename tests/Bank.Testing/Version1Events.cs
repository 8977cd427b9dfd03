namespace Bank.Testing;

/// <summary>
/// Rewrites the money movements in an event store, raw, as version 1 stored them: under the first version's name, with
/// every amount, rate and balance a JSON number. What a bank upgraded from version 1 holds.
/// </summary>
public static class Version1Events
{
    /// <summary>Rewrites every stored money movement of version 2; returns how many it rewrote.</summary>
    public static Task<long> RewriteMoneyMovementsAsync(TestDatabase database) =>
        database.ScalarAsync<long>(
            """
            WITH rewritten AS (
              UPDATE bank.mt_events
              SET type = left(type, -length('.v2')),
                  data = data || jsonb_build_object(
                    'amount', (data->>'amount')::numeric, 'originalAmount', (data->>'originalAmount')::numeric,
                    'exchangeRate', (data->>'exchangeRate')::numeric, 'balance', (data->>'balance')::numeric)
              WHERE type IN ('MoneyDeposited.v2', 'MoneyWithdrawn.v2', 'MoneyTransferredOut.v2', 'MoneyTransferredIn.v2')
              RETURNING 1)
            SELECT count(*) FROM rewritten
            """);
}
