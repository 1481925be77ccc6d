<#
.SYNOPSIS
  Installs asr-ready as a daily scheduled task running as SYSTEM, after checking the binary's SHA-256.
.EXAMPLE
  .\install.ps1 -Binary .\asr-ready-win-x64.exe -Sums .\SHA256SUMS -Config .\config.json
.NOTES
  Not executed in this repository's CI (no Windows there); kept small and declarative on purpose.
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory)] [string] $Binary,
  [string] $Sha256,
  [string] $Sums,
  [string] $Config,
  [string] $At = '02:00',
  [TimeSpan] $RandomDelay = (New-TimeSpan -Hours 1)
)
$ErrorActionPreference = 'Stop'

if (-not $Sha256 -and -not $Sums) { throw 'Give -Sha256 or -Sums: the binary is never installed unchecked.' }
if (-not $Sha256) {
  $name = Split-Path -Leaf $Binary
  $line = Get-Content $Sums | Where-Object { ($_ -split '\s+')[1] -eq $name } | Select-Object -First 1
  if (-not $line) { throw "$Sums has no line for $name" }
  $Sha256 = ($line -split '\s+')[0]
}
$actual = (Get-FileHash -Algorithm SHA256 -Path $Binary).Hash
if ($actual -ne $Sha256.ToUpperInvariant()) { throw "SHA-256 mismatch for ${Binary}: expected $Sha256, got $actual; nothing was installed" }

$programDir = Join-Path $env:ProgramFiles 'asr-ready'
$dataDir = Join-Path $env:ProgramData 'asr-ready'
New-Item -ItemType Directory -Force -Path $programDir, $dataDir | Out-Null
Copy-Item -Force $Binary (Join-Path $programDir 'asr-ready.exe')
# Configuration and spool: SYSTEM and Administrators only.
icacls $dataDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
$configPath = Join-Path $dataDir 'config.json'
if ($Config) { Copy-Item -Force $Config $configPath }
elseif (-not (Test-Path $configPath)) { Set-Content -Path $configPath -Value '{ "output": "compact" }' -Encoding ascii }

$action = New-ScheduledTaskAction -Execute (Join-Path $programDir 'asr-ready.exe') -Argument 'check --output compact'
$trigger = New-ScheduledTaskTrigger -Daily -At $At -RandomDelay $RandomDelay
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Minutes 30)
Register-ScheduledTask -TaskPath '\AsrReady\' -TaskName 'Readiness' -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Force | Out-Null
Write-Output "asr-ready installed in $programDir; task \AsrReady\Readiness runs daily at $At (+ up to $RandomDelay)."
