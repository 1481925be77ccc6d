<#
.SYNOPSIS
  Custom Script Extension / Run Command entry point for Windows. CSE downloads asr-ready-win-x64.exe,
  SHA256SUMS and this script; this checks the SHA-256, runs the check, and prints the compact
  report (at most 4,096 bytes, the verdict last: CSE keeps only the last 4,096 bytes).
  -Install also installs the daily scheduled task (install.ps1 must be downloaded too).
  Not ready does not fail the extension unless ASR_READY_CSE_FAIL_ON is fail or warn.
.NOTES
  Not executed in this repository's CI (no Windows there).
#>
param([switch] $Install, [Parameter(ValueFromRemainingArguments)] [string[]] $AgentArgs)
$ErrorActionPreference = 'Stop'
$binary = Join-Path $PSScriptRoot 'asr-ready-win-x64.exe'
$line = Get-Content (Join-Path $PSScriptRoot 'SHA256SUMS') | Where-Object { ($_ -split '\s+')[1] -eq 'asr-ready-win-x64.exe' } | Select-Object -First 1
$expected = if ($line) { ($line -split '\s+')[0].ToUpperInvariant() } else { '' }
$actual = (Get-FileHash -Algorithm SHA256 -Path $binary).Hash
if ($expected -ne $actual) { Write-Error "SHA-256 mismatch for asr-ready-win-x64.exe: expected $expected, got $actual"; exit 2 }
if ($Install) { & (Join-Path $PSScriptRoot 'install.ps1') -Binary $binary -Sha256 $actual }
$failOn = if ($env:ASR_READY_CSE_FAIL_ON) { $env:ASR_READY_CSE_FAIL_ON } else { 'never' }
& $binary check --output compact --fail-on $failOn @AgentArgs
exit $LASTEXITCODE
