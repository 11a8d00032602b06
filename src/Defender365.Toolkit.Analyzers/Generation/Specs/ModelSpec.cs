using Defender365.Toolkit.Analyzers.Incremental;

namespace Defender365.Toolkit.Analyzers.Generation.Specs;

/// <summary>One model record (an entity or a JSON request body) and its converter.</summary>
/// <param name="TypeName">The record's name.</param>
/// <param name="Summary">Its summary.</param>
/// <param name="Properties">Its properties, one per wire name (names differing only in case are read as one).</param>
internal sealed record ModelSpec(string TypeName, string Summary, EquatableArray<PropertySpec> Properties);

/// <summary>One property of a model, with the code that reads and writes it.</summary>
/// <param name="Wire">The API's name for it.</param>
/// <param name="Name">The C# property name.</param>
/// <param name="Doc">Its summary (not escaped).</param>
/// <param name="Declaration">The whole property declaration.</param>
/// <param name="LocalType">The type the converter reads it into (nullable).</param>
/// <param name="Read">The expression that reads it from <c>reader</c>.</param>
/// <param name="Write">The statement that writes it from <c>value</c>.</param>
/// <param name="AlwaysSent">The service always sends it: reading fails without it.</param>
/// <param name="Unwrap">Read into a <c>Nullable&lt;T&gt;</c> and assigned with <c>.Value</c>.</param>
internal sealed record PropertySpec(string Wire, string Name, string Doc, string Declaration, string LocalType, string Read, string Write, bool AlwaysSent, bool Unwrap);

/// <summary>A tolerant enum: documented values plus whatever the service sends.</summary>
/// <param name="TypeName">The struct's name.</param>
/// <param name="Members">Each documented value and its member name (values whose names clash are left out).</param>
internal sealed record EnumSpec(string TypeName, EquatableArray<EnumMemberSpec> Members);

/// <param name="Name">The static property's name.</param>
/// <param name="Value">The wire value.</param>
internal sealed record EnumMemberSpec(string Name, string Value);
