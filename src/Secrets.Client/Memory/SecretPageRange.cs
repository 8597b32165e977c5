namespace Secrets.Client;

/// <summary>One mapping made by <see cref="SecretPages"/>: the whole reservation (guard pages included) and its usable middle.</summary>
internal readonly unsafe struct SecretPageRange
{
    public SecretPageRange(byte* reservation, nuint reservationSize, byte* usable, nuint usableSize, SecretMemoryProtection protection)
    {
        Reservation = reservation;
        ReservationSize = reservationSize;
        Usable = usable;
        UsableSize = usableSize;
        Protection = protection;
    }

    public byte* Reservation { get; }

    public nuint ReservationSize { get; }

    public byte* Usable { get; }

    public nuint UsableSize { get; }

    public SecretMemoryProtection Protection { get; }
}
