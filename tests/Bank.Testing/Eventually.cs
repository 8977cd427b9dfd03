namespace Bank.Testing;

/// <summary>Waits for an eventually consistent outcome (a query model catching up), failing with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> observe, Func<T, bool> isDone, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var observed = await observe();
            if (isDone(observed))
            {
                return observed;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting; last observed: {observed}");
            }

            await Task.Delay(50);
        }
    }
}
