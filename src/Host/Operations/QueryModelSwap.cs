using Bank.BuildingBlocks.EventSourcing;
using Marten;
using Npgsql;

namespace Bank.Host.Operations;

/// <summary>The last step of a rebuild: the rebuilt documents of one type over the live ones.</summary>
internal static class QueryModelSwap
{
    /// <summary>Writes the rebuilt documents of one type over the live ones, and removes the live ones no event derives.</summary>
    public static async Task<(int Written, int Removed)> SwapAsync(Type viewType, IDocumentStore live, IDocumentStore rebuilt, DateTime started)
    {
        var table = live.Options.FindOrResolveDocumentType(viewType).TableName.QualifiedName;
        await using var source = rebuilt.Storage.Database.CreateConnection();
        await using var target = live.Storage.Database.CreateConnection();
        await source.OpenAsync();
        await target.OpenAsync();
        await using var transaction = await target.BeginTransactionAsync();
        await ExecuteAsync(target, $"CREATE TEMP TABLE rebuilt (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP");
        await using (var reading = await source.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT BINARY)"))
        await using (var writing = await target.BeginRawBinaryCopyAsync("COPY rebuilt FROM STDIN (FORMAT BINARY)"))
        {
            await reading.CopyToAsync(writing);
        }

        var columns = await ColumnsAsync(target);
        var written = await ExecuteAsync(
            target,
            $"INSERT INTO {table} AS live ({string.Join(", ", columns)}) SELECT {string.Join(", ", columns)} FROM rebuilt " +
            $"ON CONFLICT (id) DO UPDATE SET ({string.Join(", ", columns)}) = ROW({string.Join(", ", columns.Select(c => "EXCLUDED." + c))}) " +
            "WHERE live.mt_version < EXCLUDED.mt_version OR (live.mt_version = EXCLUDED.mt_version AND live.data <> EXCLUDED.data) " +
            $"OR live.mt_version > (SELECT s.version FROM {EventStoreSetup.SchemaName}.mt_streams s WHERE s.id = live.id)");
        var removed = await ExecuteAsync(
            target,
            $"DELETE FROM {table} AS live WHERE NOT EXISTS (SELECT 1 FROM rebuilt WHERE rebuilt.id = live.id) " +
            $"AND live.mt_last_modified < '{started:O}'::timestamptz");
        await transaction.CommitAsync();
        return (written, removed);
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = 'pg_temp.rebuilt'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            connection);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }
}
