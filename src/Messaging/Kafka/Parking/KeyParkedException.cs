namespace Bank.Messaging.Kafka.Parking;

/// <summary>Why a message was parked although it did not fail: an earlier message of its key did, and it waits behind that one.</summary>
internal sealed class KeyParkedException(string? key)
    : Exception($"It waits behind a parked message of the same key ({key}); 'dead-letters replay' hands them to the module in order.");
