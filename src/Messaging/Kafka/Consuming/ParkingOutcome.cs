namespace Bank.Messaging.Kafka.Consuming;

/// <summary>What became of a message to be parked.</summary>
internal enum ParkingOutcome
{
    /// <summary>Stored and copied to the dead-letter topic: finished for the group.</summary>
    Parked,

    /// <summary>An operator re-drove or discarded its key meanwhile: the key flows again, from this message on.</summary>
    KeyNoLongerParked,

    /// <summary>Stored, but not copied to the dead-letter topic: tried again.</summary>
    Failed,
}
