@echo off
rem Starts asr-ready.exe (beside this file) on every Windows it can run on: the embedded Node.js 22
rem supports Windows 8.1 / Server 2012 R2 (6.3) and later, refuses Windows 8 (6.2) unless
rem NODE_SKIP_PLATFORM_CHECK=1, which this sets for 6.2 only; on 7 / 2008 R2 (6.1) or older no
rem supported Node.js runs, and this says so and exits 2. The version comes from the registry
rem (CurrentVersion: 6.3 on 8.1 and later, 10 and 11 included), not from localized "ver" text.
rem The scheduled task of install.ps1 runs this; by hand: asr-ready.cmd check [options].
setlocal
set "winver="
for /f "tokens=3" %%v in ('reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v CurrentVersion 2^>nul') do set "winver=%%v"
if "%winver%"=="6.2" set "NODE_SKIP_PLATFORM_CHECK=1"
if "%winver%"=="6.1" goto unsupported
if "%winver%"=="6.0" goto unsupported
if "%winver:~0,2%"=="5." goto unsupported
"%~dp0asr-ready.exe" %*
exit /b %errorlevel%

:unsupported
echo asr-ready cannot run on Windows %winver% (Windows 7 / Server 2008 R2 or older): no supported Node.js runs there. Upgrade to Windows Server 2012 or later, or check Site Recovery's prerequisites by hand: updates KB4490628, KB4474419 and KB3140245, and the Azure root certificates. 1>&2
exit /b 2
