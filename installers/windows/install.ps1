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
# Elevation is checked here, not with `#Requires -RunAsAdministrator`: that needs PowerShell 4.0, and
# PowerShell 2.0/3.0 (Server 2008 R2 / 2012) refuse the whole script over it, so Server 2012 could not
# install and 2008 R2 would not get the line above. The Administrators group by its well-known SID
# (S-1-5-32-544), not its name, which is translated on non-English Windows.
$administrators = New-Object Security.Principal.SecurityIdentifier('S-1-5-32-544')
if (-not (New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())).IsInRole($administrators)) {
  [Console]::Error.WriteLine('install.ps1 must run elevated (as an administrator): start PowerShell with "Run as administrator", or run it as SYSTEM.')
  exit 1
}

# Get-FileHash needs PowerShell 4; Windows Server 2012 ships 3.
function Get-Sha256([string] $Path) {
  $stream = [IO.File]::OpenRead((Resolve-Path -LiteralPath $Path).ProviderPath)
  try { -join ([Security.Cryptography.SHA256]::Create().ComputeHash($stream) | ForEach-Object { $_.ToString('X2') }) } finally { $stream.Dispose() }
}

if (-not $Sha256 -and -not $Sums) { throw 'Give -Sha256 or -Sums: the binary is never installed unchecked.' }
if (-not $Sha256) {
  $name = Split-Path -Leaf $Binary
  # Both forms sha256sum writes: "<hash>  name" (text mode) and "<hash> *name" (binary mode).
  $Sha256 = $null
  foreach ($line in @(Get-Content $Sums)) {
    $m = [regex]::Match($line, '^([0-9A-Fa-f]{64}) [ *](.+?)\s*$')
    if ($m.Success -and $m.Groups[2].Value -eq $name) { $Sha256 = $m.Groups[1].Value; break }
  }
  if (-not $Sha256) { throw "$Sums has no line for $name" }
}
$actual = Get-Sha256 $Binary
if ($actual -ne $Sha256.ToUpperInvariant()) { throw "SHA-256 mismatch for ${Binary}: expected $Sha256, got $actual; nothing was installed" }

$programDir = Join-Path $env:ProgramFiles 'asr-ready'
$dataDir = Join-Path $env:ProgramData 'asr-ready'
New-Item -ItemType Directory -Force -Path $programDir, $dataDir | Out-Null
Copy-Item -Force $Binary (Join-Path $programDir 'asr-ready.exe')
Copy-Item -Force (Join-Path $PSScriptRoot 'asr-ready.cmd') (Join-Path $programDir 'asr-ready.cmd')
# Configuration and spool: SYSTEM and Administrators only, by their well-known SIDs (the names are
# translated on non-English Windows: "Administratoren", "Järjestelmänvalvojat", ...). icacls is a
# native command: a failure sets $LASTEXITCODE and does not throw, so it is checked.
# (Its stderr is not redirected: with 2>&1 and ErrorActionPreference Stop, PowerShell 2-5 would
# throw on its first line instead of reaching this message; icacls' own message shows above it.)
icacls $dataDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
if ($LASTEXITCODE -ne 0) {
  [Console]::Error.WriteLine("icacls could not restrict $dataDir to SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544): exit code $LASTEXITCODE. The configuration and spool would stay readable by other users, so the installation stops here.")
  exit 1
}
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
