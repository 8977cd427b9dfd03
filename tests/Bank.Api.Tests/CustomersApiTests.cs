using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

public sealed class CustomersApiTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task Creating_a_customer_answers_201_with_its_location_and_id_and_stores_CustomerCreated()
    {
        var response = await _client.PostJsonAsync(
            "/customers", new { firstName = "  Grace ", lastName = "Hopper", email = " grace@example.com " });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.JsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal($"/customers/{id}", response.Headers.Location?.OriginalString);
        var stored = await host.Database.ScalarAsync<string>(
            $"SELECT type || ' ' || data::text FROM bank.mt_events WHERE stream_id = '{id}'");
        Assert.StartsWith("CustomerCreated ", stored, StringComparison.Ordinal);
        Assert.Contains("\"firstName\": \"Grace\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"email\": \"grace@example.com\"", stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"lastName":"L","email":"a@example.com"}""", "firstName")]
    [InlineData("""{"firstName":"   ","lastName":"L","email":"a@example.com"}""", "firstName")]
    [InlineData("""{"firstName":"F","lastName":"","email":"a@example.com"}""", "lastName")]
    [InlineData("""{"firstName":"F","lastName":"L"}""", "email")]
    [InlineData("""{"firstName":"F","lastName":"L","email":"not-an-address"}""", "email")]
    [InlineData("""{"firstName":"F","lastName":"L","email":"Ada <ada@example.com>"}""", "email")]
    [InlineData("""{"firstName":"F","lastName":"L","email":"ada@localhost"}""", "email")]
    [InlineData("""{"firstName":1,"lastName":"L","email":"a@example.com"}""", "firstName")]
    [InlineData("""{"firstName":"F","lastName":["L"],"email":"a@example.com"}""", "lastName")]
    public async Task An_invalid_customer_gets_400_naming_the_field_and_appends_nothing(string body, string field)
    {
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync("/customers", body);

        await response.AssertFieldErrorAsync(field);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Fact]
    public async Task Names_longer_than_100_characters_and_emails_longer_than_254_are_refused()
    {
        var response = await _client.PostJsonAsync(
            "/customers",
            new { firstName = new string('a', 101), lastName = new string('b', 101), email = new string('c', 250) + "@example.com" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("firstName", out _));
        Assert.True(errors.TryGetProperty("lastName", out _));
        Assert.True(errors.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Names_of_exactly_100_characters_are_accepted()
    {
        var response = await _client.PostJsonAsync(
            "/customers", new { firstName = new string('a', 100), lastName = new string('b', 100), email = $"{Guid.NewGuid():N}@example.com" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Names_count_the_characters_a_person_sees_not_their_encoding()
    {
        // 🙂 is two UTF-16 code units; é written as e and a combining accent is two code points: each counts once.
        var emoji = string.Concat(Enumerable.Repeat("🙂", 100));
        var accents = string.Concat(Enumerable.Repeat("e\u0301", 100));

        var accepted = await _client.PostJsonAsync(
            "/customers", new { firstName = emoji, lastName = System.Text.RegularExpressions.Regex.Unescape(accents), email = $"{Guid.NewGuid():N}@example.com" });
        var refused = await _client.PostJsonAsync(
            "/customers", new { firstName = emoji + "🙂", lastName = "Lovelace", email = $"{Guid.NewGuid():N}@example.com" });

        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await refused.AssertFieldErrorAsync("firstName");
    }

    [Fact]
    public async Task A_second_customer_with_the_same_email_in_another_case_gets_409_and_appends_nothing()
    {
        var email = $"{Guid.NewGuid():N}@Example.com";
        await _client.CreateCustomerAsync(email);
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync(
            "/customers", new { firstName = "Other", lastName = "Person", email = email.ToUpperInvariant() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_creations_with_one_email_in_twenty_casings_give_exactly_one_201()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var before = await host.CountEventsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            _client.PostJsonAsync("/customers", new { firstName = $"Twin{i}", lastName = "Racer", email = InCasing(email, i) })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(before + 1, await host.CountEventsAsync());
    }

    /// <summary>The email with the letters whose position matches a bit of <paramref name="casing"/> in upper case.</summary>
    private static string InCasing(string email, int casing) =>
        new(email.Select((c, i) => ((casing >> (i % 5)) & 1) == 1 ? char.ToUpperInvariant(c) : c).ToArray());
}
