using System.Net.Sockets;
using Npgsql;

namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// Tells a database that is away (unreachable, not answering, shutting down or full) from a failure of what was asked
/// of it. The first passes once the database is back: it is retried or answered with 503, never taken for a mistake in
/// the request or in the event being handled.
/// </summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException server:
                    return server.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || server.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql:
                    return npgsql.InnerException is SocketException or TimeoutException or IOException || npgsql.IsTransient;
            }
        }

        return false;
    }
}
