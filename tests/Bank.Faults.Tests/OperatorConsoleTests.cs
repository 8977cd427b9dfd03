using Bank.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>
/// The operator console in a real browser (Debian's Chromium, driven by Playwright): a poison message parks an account,
/// the operator sees the key on the page, discards the poison, replays the key, and sees the account's models catch up
/// and the key gone; then rebuilds a module's models from the page.
/// </summary>
public sealed class OperatorConsoleTests : FaultFixture
{
    // Installed by scripts/chromium.sh; Playwright never downloads a browser here.
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_operator_sees_a_parked_key_discards_its_poison_replays_it_sees_the_models_catch_up_and_rebuilds_them()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var (account, poison) = await ParkAnAccountAsync(client);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Without these, Chromium keeps reaching for Google's services, which this network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        var confirmations = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            confirmations.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await page.GotoAsync($"{host.Address}ops#token={TestTokens.Operator()}");

        // The token moved from the address into the tab's session storage.
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        foreach (var group in new[] { "accounts", "customers" })
        {
            var row = ParkedRow(page, group, account);
            await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
            await Assertions.Expect(row).ToContainTextAsync(poison.ToString());
        }

        var instance = await InstanceIdAsync(client);
        await Assertions.Expect(page.Locator("#instances")).ToContainTextAsync(instance);
        await Assertions.Expect(page.Locator("#relay")).ToContainTextAsync(instance, new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#lag-chart-accounts")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "operator-console.png"), FullPage = true });

        foreach (var group in new[] { "accounts", "customers" })
        {
            await ParkedRow(page, group, account).Locator("button.discard").ClickAsync();
            await Assertions.Expect(page.Locator("#log")).ToContainTextAsync($"Discarded 1 message(s) of {account} in {group}");
        }

        Assert.Equal(2, (await (await client.GetAsync($"/accounts/{account}")).JsonAsync()).GetProperty("version").GetInt64());
        foreach (var group in new[] { "accounts", "customers" })
        {
            await ParkedRow(page, group, account).Locator("button.replay").ClickAsync();
        }

        await Assertions.Expect(page.Locator("#parked")).ToContainTextAsync("No key is parked.", new() { Timeout = (float)Wait.TotalMilliseconds });
        var shown = await client.GetShownAsync($"/accounts/{account}?minVersion=3");
        Assert.Equal((15m, 3L), (shown.GetProperty("balance").GetDecimal(), shown.GetProperty("version").GetInt64()));
        Assert.Contains(confirmations, message => message.StartsWith($"Discard the first parked event of {account} in accounts", StringComparison.Ordinal));
        Assert.Contains(confirmations, message => message.StartsWith($"Replay key {account} in customers", StringComparison.Ordinal));
        // Who did what is in the log.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(host.Output),
            output => output.Contains($"Operator operator replays parked key {account} of consumer group customers", StringComparison.Ordinal)
                && output.Contains($"Operator operator discards parked messages of key {account} of consumer group accounts", StringComparison.Ordinal),
            Wait);

        await page.Locator("#rebuilds button.rebuild[data-module=\"accounts\"]").ClickAsync();
        await Assertions.Expect(page.Locator("#rebuilds")).ToContainTextAsync("Rebuilt accounts:", new() { Timeout = (float)Wait.TotalMilliseconds });
        Assert.Contains(confirmations, message => message.StartsWith("Rebuild the accounts query models", StringComparison.Ordinal));
        Assert.Contains("Operator operator started a rebuild of the accounts query models", host.Output, StringComparison.Ordinal);
        var (exitCode, verified) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, verified);
    }

    private static ILocator ParkedRow(IPage page, string group, Guid account) =>
        page.Locator($"#parked tr[data-group=\"{group}\"][data-key=\"{account}\"]");

    private static async Task<string> InstanceIdAsync(HttpClient client) =>
        (await (await client.GetAsync("/ops/api/status")).JsonAsync()).GetProperty("instance").GetString()!;
}
