using System.Globalization;
using System.Text;
using Bank.Messaging.Events;
using Bank.Testing;
using Confluent.Kafka;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>A consumer group whose query-model write fails: its offsets stay before the batch, which is read again until it is written.</summary>
public sealed class QueryModelWriteFailureTests : FaultFixture
{
    [Fact]
    public async Task A_failing_query_model_write_moves_no_offset_past_its_batch_and_the_batch_is_written_once_it_can_be()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
        var (cleanExit, cleanOutput) = await ConvergeAndVerifyAsync();
        Assert.True(cleanExit == 0, cleanOutput);

        // The database refuses the accounts group's write of the view the next deposit makes, and nothing else.
        await Database.ScalarAsync<int>(
            """
            CREATE FUNCTION accounts.refuse_balance() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_balance BEFORE INSERT OR UPDATE ON accounts.mt_doc_accountview FOR EACH ROW
                WHEN ((NEW.data->>'balance')::numeric = 13.13) EXECUTE FUNCTION accounts.refuse_balance();
            SELECT 0
            """);
        await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 3.13m, currency = "EUR" });
        var (partition, offset) = await MessageAsync("events_Account", account, version: 3);

        // The customers group, which writes elsewhere, goes on; the accounts group tries again and again.
        await Eventually.ReturnsAsync(
            () => Database.ScalarAsync<long>($"SELECT mt_version FROM customers.mt_doc_customeraccount WHERE id = '{account}'"),
            version => version == 3,
            TimeSpan.FromSeconds(30));
        await Eventually.ReturnsAsync(
            () => Task.FromResult(CountOf(host.Output, "could not write the query models of a batch")),
            failures => failures >= 3,
            TimeSpan.FromSeconds(60));
        Assert.True(await CommittedAsync("accounts", partition) <= offset, "The accounts group committed an offset past the batch it could not write");
        Assert.Equal(2, await Database.ScalarAsync<long>($"SELECT mt_version FROM accounts.mt_doc_accountview WHERE id = '{account}'"));

        await Database.ScalarAsync<int>("DROP TRIGGER refuse_balance ON accounts.mt_doc_accountview; SELECT 0");

        var shown = await client.GetShownAsync($"/accounts/{account}?minVersion=3");
        Assert.Equal(13.13m, shown.GetProperty("balance").GetDecimal());
        await Eventually.ReturnsAsync(() => CommittedAsync("accounts", partition), committed => committed > offset, TimeSpan.FromSeconds(30));
        var (exit, output) = await ConvergeAndVerifyAsync();
        Assert.True(exit == 0, output);
    }

    private static int CountOf(string text, string part) =>
        text.Split(part, StringSplitOptions.None).Length - 1;

    /// <summary>Where the broker holds the event of <paramref name="streamId"/> at <paramref name="version"/>.</summary>
    private async Task<(int Partition, long Offset)> MessageAsync(string topic, Guid streamId, long version)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = Broker.BootstrapServers, GroupId = "test-reader" })
            .SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, 6).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var result = await Task.Run(() => consumer.Consume(TimeSpan.FromSeconds(1)));
            if (result?.Message is { } message && message.Key == streamId.ToString("D") &&
                message.Headers.TryGetLastBytes(EventHeaders.StreamVersion, out var bytes) &&
                long.Parse(Encoding.UTF8.GetString(bytes), CultureInfo.InvariantCulture) == version)
            {
                return (result.Partition.Value, result.Offset.Value);
            }
        }

        throw new TimeoutException($"No message of {streamId} at version {version} in {topic}.");
    }

    /// <summary>The group's committed offset on the partition of events_Account (negative when it has none).</summary>
    private async Task<long> CommittedAsync(string group, int partition)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Broker.BootstrapServers, GroupId = group })
            .SetLogHandler((_, _) => { }).Build();
        var committed = await Task.Run(() => consumer.Committed([new TopicPartition("events_Account", partition)], TimeSpan.FromSeconds(10)));
        return committed[0].Offset.Value;
    }
}
