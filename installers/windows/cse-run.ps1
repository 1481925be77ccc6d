<#
.SYNOPSIS
  Custom Script Extension / Run Command entry point for Windows. CSE downloads asr-ready-win-x64.exe,
  SHA256SUMS and this script; this checks the SHA-256, runs the check, and prints the compact
  report (at most 4,096 bytes, the verdict last: CSE keeps only the last 4,096 bytes).
  -Install also installs the daily scheduled task (install.ps1 must be downloaded too).
  Not ready does not fail the extension unless ASR_READY_CSE_FAIL_ON is fail or warn.
  On Windows 8 / Server 2012 it starts the agent with NODE_SKIP_PLATFORM_CHECK=1; on 7 / 2008 R2 it
  prints one line saying why it cannot run, and exits 2.
.NOTES
  Not executed in this repository's CI (no Windows there).
#>
param([switch] $Install, [Parameter(ValueFromRemainingArguments=$true)] [string[]] $AgentArgs)
$ErrorActionPreference = 'Stop'
# Windows floor (asr-ready.cmd does the same for the scheduled task): Node.js 22 runs on Windows
# 8.1 / Server 2012 R2 (CurrentVersion 6.3, which 10 and 11 report too) and later, on Windows 8 /
# Server 2012 (6.2) only with NODE_SKIP_PLATFORM_CHECK=1, and not at all on 7 / 2008 R2 (6.1).
# Kept parseable by PowerShell 2.0 (2008 R2), so that such a guest gets this line and exit code 2.
$winver = [version](Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion').CurrentVersion
if ($winver -lt [version]'6.2') {
  [Console]::Error.WriteLine("asr-ready cannot run on Windows $winver (Windows 7 / Server 2008 R2 or older): no supported Node.js runs there. Upgrade to Windows Server 2012 or later, or check Site Recovery's prerequisites by hand: updates KB4490628, KB4474419 and KB3140245, and the Azure root certificates.")
  exit 2
}
if ($winver -lt [version]'6.3') { $env:NODE_SKIP_PLATFORM_CHECK = '1' }

# Get-FileHash needs PowerShell 4; Windows Server 2012 ships 3.
function Get-Sha256([string] $Path) {
  $stream = [IO.File]::OpenRead((Resolve-Path -LiteralPath $Path).ProviderPath)
  try { -join ([Security.Cryptography.SHA256]::Create().ComputeHash($stream) | ForEach-Object { $_.ToString('X2') }) } finally { $stream.Dispose() }
}
$binary = Join-Path $PSScriptRoot 'asr-ready-win-x64.exe'
# Both forms sha256sum writes: "<hash>  name" (text mode) and "<hash> *name" (binary mode).
$expected = ''
foreach ($line in @(Get-Content (Join-Path $PSScriptRoot 'SHA256SUMS'))) {
  $m = [regex]::Match($line, '^([0-9A-Fa-f]{64}) [ *](.+?)\s*$')
  if ($m.Success -and $m.Groups[2].Value -eq 'asr-ready-win-x64.exe') { $expected = $m.Groups[1].Value.ToUpperInvariant(); break }
}
$actual = Get-Sha256 $binary
if ($expected -ne $actual) { [Console]::Error.WriteLine("SHA-256 mismatch for asr-ready-win-x64.exe: expected $expected, got $actual"); exit 2 }
if ($Install) {
  # Splatted: the PowerShell grammar CI parses these scripts with (tree-sitter-powershell) misreads a
  # parameter name with digits (-Sha256) written out. install.ps1 exits non-zero on failure (or throws).
  $installArgs = @{ Binary = $binary; Sha256 = $actual }
  $LASTEXITCODE = 0
  & (Join-Path $PSScriptRoot 'install.ps1') @installArgs
  if ($LASTEXITCODE -ne 0) { [Console]::Error.WriteLine("install.ps1 failed (exit code $LASTEXITCODE): the daily task was not installed."); exit 1 }
}
$failOn = if ($env:ASR_READY_CSE_FAIL_ON) { $env:ASR_READY_CSE_FAIL_ON } else { 'never' }
# Through the environment, not flags: a flag given twice is an error, and the admin's own
# --output or --fail-on among the arguments must win over these defaults.
$env:ASR_READY_OUTPUT = 'compact'
$env:ASR_READY_FAIL_ON = $failOn
& $binary check @AgentArgs
exit $LASTEXITCODE
