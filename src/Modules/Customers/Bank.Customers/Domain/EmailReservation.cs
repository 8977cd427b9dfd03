namespace Bank.Customers.Domain;

/// <summary>
/// Claims an email address for one customer. Its id is the normalized address, so the
/// primary key rejects a second claim inside the same transaction that starts the
/// customer's stream: uniqueness holds under concurrent requests without check-then-insert.
/// </summary>
internal sealed record EmailReservation(string Id, Guid CustomerId);
