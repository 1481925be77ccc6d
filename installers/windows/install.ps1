<#
.SYNOPSIS
  Installs asr-ready as a daily scheduled task running as SYSTEM, after checking the binary's SHA-256.
.EXAMPLE
  .\install.ps1 -Binary .\asr-ready-win-x64.exe -Sums .\SHA256SUMS -Config .\config.json
  On Windows 8 / Server 2012 the task starts the agent with NODE_SKIP_PLATFORM_CHECK=1 (through
  asr-ready.cmd, which must sit beside this script); on 7 / 2008 R2 it installs nothing and exits 2.
.NOTES
  Not executed in this repository's CI (no Windows there; asr-ready.cmd is run there under wine).
  Kept small and declarative on purpose.
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory=$true)] [string] $Binary,
  [string] $Sha256,
  [string] $Sums,
  [string] $Config,
  [string] $At = '02:00',
  [TimeSpan] $RandomDelay = (New-TimeSpan -Hours 1)
)
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

# Get-FileHash needs PowerShell 4; Windows Server 2012 ships 3.
function Get-Sha256([string] $Path) {
  $stream = [IO.File]::OpenRead((Resolve-Path -LiteralPath $Path).ProviderPath)
  try { -join ([Security.Cryptography.SHA256]::Create().ComputeHash($stream) | ForEach-Object { $_.ToString('X2') }) } finally { $stream.Dispose() }
}

if (-not $Sha256 -and -not $Sums) { throw 'Give -Sha256 or -Sums: the binary is never installed unchecked.' }
if (-not $Sha256) {
  $name = Split-Path -Leaf $Binary
  $line = Get-Content $Sums | Where-Object { ($_ -split '\s+')[1] -eq $name } | Select-Object -First 1
  if (-not $line) { throw "$Sums has no line for $name" }
  $Sha256 = ($line -split '\s+')[0]
}
$actual = Get-Sha256 $Binary
if ($actual -ne $Sha256.ToUpperInvariant()) { throw "SHA-256 mismatch for ${Binary}: expected $Sha256, got $actual; nothing was installed" }

$programDir = Join-Path $env:ProgramFiles 'asr-ready'
$dataDir = Join-Path $env:ProgramData 'asr-ready'
New-Item -ItemType Directory -Force -Path $programDir, $dataDir | Out-Null
Copy-Item -Force $Binary (Join-Path $programDir 'asr-ready.exe')
Copy-Item -Force (Join-Path $PSScriptRoot 'asr-ready.cmd') (Join-Path $programDir 'asr-ready.cmd')
# Configuration and spool: SYSTEM and Administrators only.
icacls $dataDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
$configPath = Join-Path $dataDir 'config.json'
if ($Config) { Copy-Item -Force $Config $configPath }
elseif (-not (Test-Path $configPath)) { Set-Content -Path $configPath -Value '{ "output": "compact" }' -Encoding ascii }

# Through asr-ready.cmd: it sets NODE_SKIP_PLATFORM_CHECK=1 on Windows 8 / 2012 only, and passes the exit code on.
$action = New-ScheduledTaskAction -Execute (Join-Path $env:SystemRoot 'System32\cmd.exe') -Argument ('/d /s /c ""' + (Join-Path $programDir 'asr-ready.cmd') + '" check --output compact"')
$trigger = New-ScheduledTaskTrigger -Daily -At $At -RandomDelay $RandomDelay
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Minutes 30)
Register-ScheduledTask -TaskPath '\AsrReady\' -TaskName 'Readiness' -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Force | Out-Null
Write-Output "asr-ready installed in $programDir; task \AsrReady\Readiness runs daily at $At (+ up to $RandomDelay)."
