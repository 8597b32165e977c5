using System.ComponentModel;
using System.Globalization;

namespace Secrets.Client;

/// <summary>Lets configuration binding create a <see cref="SecretHandle"/> from <c>handle:&lt;reference&gt;</c>; other text gives an invalid handle whose reads fail with a typed error that does not repeat it.</summary>
public sealed class SecretHandleConverter : TypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc/>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? SecretHandle.ParseOrInvalid(text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc/>
    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    /// <inheritdoc/>
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is SecretHandle handle ? handle.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
