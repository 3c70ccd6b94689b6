# Builds the Windows installers from this checkout:
#   dist\gdplayground-VERSION-windows-x64-setup.exe   Inno Setup installer (Start-menu entry,
#                                                      per-user by default: no admin rights needed)
#   dist\gdplayground-VERSION-windows-x64.zip          the same folder, to unzip and run
# Environment: PYTHON (default python; 3.10+), GDP_BUILD (default build\windows), GDP_OUT
# (default dist). PyInstaller lives only in the build environment GDP_BUILD\venv.
# Needs PowerShell 7 (pwsh): under "Stop", Windows PowerShell 5.1 can turn a native command's
# stderr (a pip warning) into a terminating error.
#Requires -Version 7.0
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

# PowerShell does not stop when a native command fails: every one goes through this.
function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}
function Step([string]$Text) { Write-Host "`n== $Text" }
function Find-Iscc {
    $onPath = Get-Command iscc.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    # Inno Setup 6 installs under Program Files (x86), 7 may be 64-bit or per-user.
    $roots = @(${env:ProgramFiles(x86)}, $env:ProgramFiles, "$env:LOCALAPPDATA\Programs") | Where-Object { $_ }
    Get-ChildItem -Path ($roots | ForEach-Object { "$_\Inno Setup *\ISCC.exe" }) -ErrorAction SilentlyContinue |
        Sort-Object { $_.Directory.Name } -Descending | Select-Object -First 1 -ExpandProperty FullName
}

$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
$Build = if ($env:GDP_BUILD) { $env:GDP_BUILD } else { "$Root\build\windows" }
$Out = if ($env:GDP_OUT) { $env:GDP_OUT } else { "$Root\dist" }
$Python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
New-Item -ItemType Directory -Force -Path $Build, $Out | Out-Null
# Absolute: ISCC reads relative paths from the .iss file's folder, not from here.
$Build = (Resolve-Path $Build).Path
$Out = (Resolve-Path $Out).Path
$Venv = "$Build\venv"
$Py = "$Venv\Scripts\python.exe"

Step "build environment ($Venv)"
if (-not (Test-Path $Py)) { Invoke-Checked "venv" { & $Python -m venv $Venv } }
Invoke-Checked "pip" { & $Py -m pip install -q --upgrade pip }
# Pinned versions (packaging\build-constraints.txt): an installer is rebuilt from the same parts.
Invoke-Checked "pip" { & $Py -m pip install -q -c "$Root\packaging\build-constraints.txt" pyinstaller $Root }
# A fresh copy of the app every time, even when its version number did not change.
Invoke-Checked "pip" { & $Py -m pip install -q --force-reinstall --no-deps $Root }
$Version = & $Py -c "import gdplayground; print(gdplayground.__version__)"
if ($LASTEXITCODE -ne 0 -or -not $Version) { throw "cannot read the app's version" }
$Version = "$Version".Trim()

Step "icons"
Invoke-Checked "icons" { & $Py "$Root\packaging\make_icons.py" "$Build\icons" }
$Icon = "$Build\icons\gdplayground.ico"

Step "PyInstaller"
if (Test-Path "$Build\dist") { Remove-Item -Recurse -Force "$Build\dist" }
$env:GDP_ICON = $Icon
Invoke-Checked "PyInstaller" {
    & "$Venv\Scripts\pyinstaller.exe" --noconfirm --log-level WARN --distpath "$Build\dist" `
        --workpath "$Build\work" "$Root\packaging\gdplayground.spec"
}
$Bundle = "$Build\dist\gdplayground"
foreach ($exe in "gdplayground.exe", "gdplayground-cli.exe") {
    if (-not (Test-Path "$Bundle\$exe")) { throw "PyInstaller made no $Bundle\$exe" }
}

Step "self-test of the bundle"
# gdplayground.exe is windowed (no console output); its twin gdplayground-cli.exe prints.
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked "self-test" { & "$Bundle\gdplayground-cli.exe" --self-test }
Invoke-Checked "screenshot" { & "$Bundle\gdplayground-cli.exe" --screenshot "$Build\screenshot.png" --steps 20 }
Remove-Item Env:QT_QPA_PLATFORM
$Size = [math]::Round((Get-ChildItem -Recurse -File $Bundle | Measure-Object -Sum Length).Sum / 1MB)
Write-Host "unpacked: $Size MB"

Step "zip"
$Zip = "$Out\gdplayground-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item -Force $Zip }
Compress-Archive -Path $Bundle -DestinationPath $Zip  # one folder, gdplayground\, inside
Write-Host $Zip

Step "Inno Setup"
$Iscc = Find-Iscc
if (-not $Iscc) {
    Invoke-Checked "installing Inno Setup" { choco install innosetup --yes --no-progress }
    $Iscc = Find-Iscc
    if (-not $Iscc) { throw "Inno Setup installed, but no ISCC.exe found" }
}
Write-Host $Iscc
Invoke-Checked "Inno Setup" {
    & $Iscc /Qp "/DAppVersion=$Version" "/DBundleDir=$Bundle" "/DOutputDir=$Out" "/DIconFile=$Icon" `
        "$Root\packaging\windows\gdplayground.iss"
}
Get-ChildItem "$Out\gdplayground-$Version-windows-x64*" | ForEach-Object { Write-Host "$($_.FullName): $([math]::Round($_.Length / 1MB)) MB" }
