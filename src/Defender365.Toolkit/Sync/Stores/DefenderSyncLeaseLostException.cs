namespace Defender365.Toolkit.Sync;

/// <summary>
/// A poll's lease on a cursor expired and another poll took it, so this poll's cursor was not saved. The items it
/// delivered since its last save will be delivered again by the poll that holds the lease (at-least-once).
/// </summary>
public sealed class DefenderSyncLeaseLostException : InvalidOperationException
{
    /// <summary>Creates the exception for a key.</summary>
    public DefenderSyncLeaseLostException(DefenderSyncKey key)
        : base($"The sync lease on {key} was lost (it expired and another poll took it); this poll's progress since its last save was not kept. Lengthen DefenderSyncOptions.LeaseDuration if pages take longer to handle.")
    {
        Key = key;
    }

    /// <summary>The tenant and collection.</summary>
    public DefenderSyncKey Key { get; }
}
