using MassTransit;

namespace Bank.BuildingBlocks.Projections;

/// <summary>
/// On MassTransit's own endpoints (the in-memory transport), where every message is a batch of one:
/// writes the query-model changes of the message's consumers once they have all run.
/// </summary>
internal sealed class SaveQueryModels<TMessage>(QueryModelBatch queryModels) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        await next.Send(context);
        await queryModels.SaveAsync(context.CancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("saveQueryModels");
}
