using Bank.BuildingBlocks.Settings;

namespace Bank.Messaging;

/// <summary>The <c>Messaging</c> settings.</summary>
public sealed class MessagingOptions : ISettings<MessagingOptions>
{
    public static string SectionName => "Messaging";

    public MessagingTransport Transport { get; set; } = MessagingTransport.Kafka;

    /// <summary>Whether this instance consumes; instances that only serve the API (or only relay) leave it to the others.</summary>
    public bool ConsumersEnabled { get; set; } = true;

    public IEnumerable<string> Problems() => [];
}
