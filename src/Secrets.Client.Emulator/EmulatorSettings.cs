namespace Secrets.Client.Emulator;

/// <summary>Command-line settings shared by every emulator kind.</summary>
internal sealed record EmulatorSettings(int Port, string? Region, bool UseHttps, EmulatorSeed? Seed);
