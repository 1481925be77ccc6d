<#
.SYNOPSIS
  Removes the asr-ready scheduled task and binary; keeps the configuration and spool unless -Purge.
.NOTES
  Not executed in this repository's CI (no Windows there).
#>
[CmdletBinding()]
param([switch] $Purge)
$ErrorActionPreference = 'Stop'
Unregister-ScheduledTask -TaskPath '\AsrReady\' -TaskName 'Readiness' -Confirm:$false -ErrorAction SilentlyContinue
Remove-Item -Recurse -Force (Join-Path $env:ProgramFiles 'asr-ready') -ErrorAction SilentlyContinue
if ($Purge) { Remove-Item -Recurse -Force (Join-Path $env:ProgramData 'asr-ready') -ErrorAction SilentlyContinue }
Write-Output ('asr-ready removed' + $(if ($Purge) { ', with its configuration and spool' } else { "; kept $env:ProgramData\asr-ready (use -Purge)" }))
