; Inno Setup recipe for GD Playground; packaging\windows\build.ps1 passes the defines below.
; Installs for the current user by default (students rarely have admin rights); the first page
; offers "all users" to an administrator.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\windows\dist\gdplayground"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\windows\icons\gdplayground.ico"
#endif

[Setup]
AppId={{1ED8A10F-16E1-4393-93BD-FFE183CE5615}
AppName=GD Playground
AppVersion={#AppVersion}
AppVerName=GD Playground {#AppVersion}
AppPublisher=GD Playground
DefaultDirName={autopf}\GD Playground
DefaultGroupName=GD Playground
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=gdplayground-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\gdplayground.exe
UninstallDisplayName=GD Playground
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ChangesAssociations=yes
; Uninstall removes exactly what was installed (no wildcard delete of {app}: a user may have
; chosen a folder that holds other files).

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole bundle: a file the new version no longer has (an old Qt plugin)
; must not stay behind to be loaded. _internal is the bundle's own folder.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\GD Playground"; Filename: "{app}\gdplayground.exe"; Comment: "Watch and control gradient descent"
Name: "{autodesktop}\GD Playground"; Filename: "{app}\gdplayground.exe"; Tasks: desktopicon

[Registry]
; "Open with" for .json files: experiments are .gdp.json, and Windows goes by the last extension
; only, so the app is offered, not made the default (as on macOS).
Root: HKA; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: string; ValueName: "GDPlayground.Experiment"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\GDPlayground.Experiment"; ValueType: string; ValueName: ""; ValueData: "GD Playground experiment"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\GDPlayground.Experiment\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\gdplayground.exe"" ""%1"""

[Run]
Filename: "{app}\gdplayground.exe"; Description: "{cm:LaunchProgram,GD Playground}"; Flags: nowait postinstall skipifsilent
