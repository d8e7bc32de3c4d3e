"""Pure Storage arrays, ESXi hosts, VM specs and RHEL server files."""

from .model import NTP_OLD, vlans

#: VMs of each site: name, cpu, memory_mb, vlan name, host octet, disks (GB), ESXi host, annotation.
VMS = [
    ("web01", 2, 8192, "WEB", 11, [60], "esx01", "Webサーバ #1 (Apache httpd)"),
    ("web02", 2, 8192, "WEB", 12, [60], "esx02", "Webサーバ #2 (Apache httpd)"),
    ("web03", 2, 8192, "WEB", 13, [60], "esx01", "Webサーバ #3 (Apache httpd)"),
    ("app01", 4, 16384, "APP", 21, [80, 200], "esx02", "APサーバ (Tomcat 9)"),
    ("db01", 8, 65536, "DB", 31, [100, 500, 200], "esx01", "DBサーバ (Oracle 19c)"),
]

PORTGROUP = {v[1]: v for v in vlans({"vlan140": True})}


def pure(s, flags):
    """Returns the settings export (YAML) of `<code>-pure01`."""
    p = s["p"]
    c = s["code"]
    out = f"""# purestorage settings export (purecli / REST 2.x), normalised for henko
array:
  name: {c}-pure01
  model: FlashArray//X50R3
  purity_version: 6.3.14
  timezone: Asia/Tokyo
  ntp_servers:
    - {NTP_OLD[0]}
    - {NTP_OLD[1]}
  syslog_servers:
    - udp://{p}.20.50:514
  smtp_relay: {p}.20.25
  phonehome: enabled
network:
  interfaces:
    - name: ct0.eth0
      address: {p}.100.51/24
      gateway: {p}.100.1
      services: [management]
    - name: ct1.eth0
      address: {p}.100.52/24
      gateway: {p}.100.1
      services: [management]
    - name: ct0.eth8
      address: {p}.210.51/24
      mtu: 9000
      services: [iscsi]
    - name: ct1.eth8
      address: {p}.210.52/24
      mtu: 9000
      services: [iscsi]
    - name: ct0.eth9
      address: {p}.210.53/24
      mtu: 9000
      services: [iscsi]
    - name: ct1.eth9
      address: {p}.210.54/24
      mtu: 9000
      services: [iscsi]
volumes:
  - name: vol-vmfs-ds01
    size: 8T
    qos:
      iops_limit: null
  - name: vol-vmfs-ds02
    size: 8T
    qos:
      iops_limit: null
  - name: vol-db01-data
    size: 2T
    qos:
      iops_limit: 50000
  - name: vol-db01-redo
    size: 200G
    qos:
      iops_limit: null
protection_groups:
  - name: pg-vmfs-daily
    volumes: [vol-vmfs-ds01, vol-vmfs-ds02]
    snapshot_schedule:
      frequency: 1d
      at: "02:00"
      retain_days: 7
  - name: pg-db01-hourly
    volumes: [vol-db01-data, vol-db01-redo]
    snapshot_schedule:
      frequency: 1h
      retain_days: 2
host_groups:
  - name: hg-vsphere-cl01
    hosts: [esx01, esx02]
    connections:
      - name: vol-vmfs-ds01
        lun: 1
      - name: vol-vmfs-ds02
        lun: 2
hosts:
"""
    for h in ("esx01", "esx02"):
        out += f"""  - name: {h}
    personality: esxi
    iqns:
      - iqn.1998-01.com.vmware:{c}-{h}
    connections:
"""
        conns = [("vol-db01-data", 10), ("vol-db01-redo", 11)]
        if h == "esx02" and s["site"] == "west" and flags["pure_conn_removed"]:
            conns = [x for x in conns if x[0] != "vol-db01-data"]
        for vol, lun in conns:
            out += f"""      - name: {vol}
        lun: {lun}
"""
    return out


def esxi(s, n, flags):
    """Returns the host profile (YAML) of `<code>-esx0<n>` (PRIMERGY RX2540 M6, ESXi 7.0U3)."""
    p = s["p"]
    c = s["code"]
    name = f"{c}-esx0{n}"
    out = f"""# ESXi host configuration (exported by the build team's Ansible role)
host:
  name: {name}
  fqdn: {name}.dc.example.co.jp
  hardware: FUJITSU PRIMERGY RX2540 M6
  version: ESXi 7.0 Update 3n
  build: 21930508
  cluster: CL01
  datacenter: DC01
  lockdown_mode: normal
ntp:
  servers:
    - {NTP_OLD[0]}
    - {NTP_OLD[1]}
  policy: on
dns:
  servers:
    - {p}.20.53
  search: [dc.example.co.jp]
syslog:
  loghost: udp://{p}.20.50:514
services:
  - name: TSM-SSH
    running: false
    policy: off
  - name: ntpd
    running: true
    policy: on
vswitches:
  - name: vSwitch0
    mtu: 9000
    uplinks: [vmnic2, vmnic3]
    teaming: loadbalance_srcid
  - name: vSwitch1
    mtu: 9000
    uplinks: [vmnic4, vmnic5]
    teaming: explicit_failover
portgroups:
"""
    for vid, vname, *_ in vlans(flags):
        sw = "vSwitch1" if vid == 210 else "vSwitch0"
        out += f"""  - name: PG-{vname}
    vlan: {vid}
    vswitch: {sw}
"""
    out += f"""vmkernel:
  - name: vmk0
    portgroup: PG-MGMT
    address: {p}.100.6{n}/24
    services: [management]
  - name: vmk1
    portgroup: PG-VMOTION
    address: {p}.200.6{n}/24
    services: [vmotion]
  - name: vmk2
    portgroup: PG-ISCSI
    address: {p}.210.6{n}/24
    services: [iscsi]
iscsi:
  adapter: vmhba64
  targets:
    - {p}.210.51:3260
    - {p}.210.52:3260
advanced_settings:
  - name: UserVars.SuppressShellWarning
    value: 1
  - name: Security.AccountLockFailures
    value: 5
  - name: Disk.MaxLUN
    value: 256
"""
    return out


def vm(s, spec, flags, verify=False):
    """Returns the VM spec (YAML) of one virtual machine."""
    name, cpu, mem, vlan, host, disks, esx, note = spec
    p = s["p"]
    c = s["code"]
    resized = flags["app_resized_west"] if s["site"] == "west" else flags["app_resized_east"]
    if name == "app01" and resized:
        cpu, mem = 8, 32768
    full = f"{c}-{name}" if not verify else name
    vid = PORTGROUP[vlan][0]
    out = f"""# VM spec (managed by Ansible community.vmware.vmware_guest)
name: {full}
annotation: "{note}"
guest_id: rhel8_64Guest
hardware:
  cpu: {cpu}
  cores_per_socket: 1
  memory_mb: {mem}
  hotadd_cpu: false
  hotadd_memory: false
  version: vmx-19
placement:
  datacenter: DC01
  cluster: CL01
  host: {c}-{esx}
  datastore: DS-VMFS-01
disks:
"""
    for i, size in enumerate(disks):
        out += f"""  - name: Hard disk {i + 1}
    size_gb: {size}
    type: thin
    controller: "pvscsi:0:{i}"
"""
    out += f"""nics:
  - name: Network adapter 1
    portgroup: PG-{vlan}
    type: vmxnet3
    ip: {p}.{vid}.{host}
    netmask: 255.255.255.0
    gateway: {p}.{vid}.1
"""
    if name.startswith("db"):
        out += f"""  - name: Network adapter 2
    portgroup: PG-ISCSI
    type: vmxnet3
    ip: {p}.210.{host}
    netmask: 255.255.255.0
"""
    out += """customization:
  timezone: Asia/Tokyo
  dns_servers: [""" + f"{p}.20.53" + """]
"""
    return out


def sshd(s, host, ip, flags):
    """Returns /etc/ssh/sshd_config of a RHEL 8 server."""
    loosened = flags["sshd_loosened"] and s["site"] == "west" and host == "db01"
    root = "yes" if loosened else "no"
    return f"""#	$OpenBSD: sshd_config,v 1.103 2018/04/09 20:41:22 tj Exp $
# Managed by Ansible (role: rhel_baseline). Local changes are overwritten.

Port 22
AddressFamily inet
ListenAddress {ip}

HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key

SyslogFacility AUTHPRIV
LogLevel VERBOSE

LoginGraceTime 60
PermitRootLogin {root}
StrictModes yes
MaxAuthTries 3
MaxSessions 10

PubkeyAuthentication yes
AuthorizedKeysFile	.ssh/authorized_keys
PasswordAuthentication no
PermitEmptyPasswords no
ChallengeResponseAuthentication no

GSSAPIAuthentication yes
GSSAPICleanupCredentials no
UsePAM yes

X11Forwarding no
PrintMotd no
ClientAliveInterval 300
ClientAliveCountMax 2
AllowGroups wheel sshusers
Banner /etc/issue.net

AcceptEnv LANG LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES
AcceptEnv LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT
AcceptEnv LC_IDENTIFICATION LC_ALL LANGUAGE
AcceptEnv XMODIFIERS

Subsystem	sftp	/usr/libexec/openssh/sftp-server
"""


def sysctl(host):
    """Returns /etc/sysctl.d/99-baseline.conf of a RHEL 8 server."""
    out = """# /etc/sysctl.d/99-baseline.conf
# Managed by Ansible (role: rhel_baseline).

# network hardening
net.ipv4.ip_forward = 0
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.all.rp_filter = 1
net.ipv4.tcp_syncookies = 1
net.ipv6.conf.all.disable_ipv6 = 1

# kernel
kernel.sysrq = 0
kernel.core_uses_pid = 1
kernel.panic = 10
vm.swappiness = 10
"""
    if host.startswith("db"):
        out += """
# Oracle Database 19c preinstall values
fs.file-max = 6815744
fs.aio-max-nr = 1048576
kernel.sem = 250 32000 100 128
kernel.shmmni = 4096
kernel.shmall = 1073741824
kernel.shmmax = 4398046511104
vm.nr_hugepages = 16384
net.core.rmem_default = 262144
net.core.rmem_max = 4194304
net.core.wmem_default = 262144
net.core.wmem_max = 1048576
net.ipv4.ip_local_port_range = 9000 65500
"""
    else:
        out += """
# web tier
net.core.somaxconn = 4096
net.ipv4.tcp_fin_timeout = 15
net.ipv4.ip_local_port_range = 10240 65000
"""
    return out
