namespace Defender365.Toolkit.Catalog;

/// <summary>The Microsoft cloud a tenant lives in. It picks the sign-in host, the API hosts and the token audiences.</summary>
public enum DefenderCloud
{
    /// <summary>The worldwide (commercial) cloud. The default.</summary>
    Commercial = 0,

    /// <summary>US Government Community Cloud (GCC): commercial sign-in, <c>api-gcc.*.microsoft.us</c> API hosts.</summary>
    GCC = 1,

    /// <summary>US Government Community Cloud High: <c>login.microsoftonline.us</c>, <c>api-gov.*.microsoft.us</c> API hosts.</summary>
    GCCHigh = 2,

    /// <summary>US Department of Defense cloud: <c>login.microsoftonline.us</c>, <c>api-gov.*.microsoft.us</c> API hosts.</summary>
    DoD = 3,
}
