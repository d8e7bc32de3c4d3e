"""Palo Alto PA-3220 internet edge (PAN-OS 11.0): XML for the site pair,
`set` format for the East verification firewall."""

from .model import NTP_OLD, fortios_enc


def edge_xml(s, flags):
    """Returns the running config (XML) of `<code>-pafw01`."""
    p = s["p"]
    u = s["untrust"]
    name = f"{s['code']}-pafw01"
    phash = "$5$" + fortios_enc("pa-admin")[:48].replace("/", "x").replace("+", "y")
    x = f"""<?xml version="1.0"?>
<config version="11.0.0" urldb="paloaltonetworks" detail-version="11.0.2">
  <mgt-config>
    <users>
      <entry name="admin">
        <phash>{phash}</phash>
        <permissions>
          <role-based>
            <superuser>yes</superuser>
          </role-based>
        </permissions>
      </entry>
    </users>
    <password-complexity>
      <enabled>yes</enabled>
      <minimum-length>12</minimum-length>
    </password-complexity>
  </mgt-config>
  <shared>
    <log-settings>
      <syslog>
        <entry name="SPLUNK">
          <server>
            <entry name="splunk01">
              <server>{p}.20.50</server>
              <transport>UDP</transport>
              <port>514</port>
              <format>BSD</format>
              <facility>LOG_USER</facility>
            </entry>
          </server>
        </entry>
      </syslog>
    </log-settings>
  </shared>
  <devices>
    <entry name="localhost.localdomain">
      <network>
        <interface>
          <ethernet>
            <entry name="ethernet1/1">
              <layer3>
                <ip>
                  <entry name="{u}2/28"/>
                </ip>
                <interface-management-profile>PING-ONLY</interface-management-profile>
              </layer3>
              <comment>INTERNET-ISP-A</comment>
            </entry>
            <entry name="ethernet1/2">
              <layer3>
                <ip>
                  <entry name="{p}.250.1/29"/>
                </ip>
                <interface-management-profile>PING-ONLY</interface-management-profile>
              </layer3>
              <comment>TO-FGT-PORT1</comment>
            </entry>
          </ethernet>
        </interface>
        <profiles>
          <interface-management-profile>
            <entry name="PING-ONLY">
              <ping>yes</ping>
            </entry>
          </interface-management-profile>
        </profiles>
        <virtual-router>
          <entry name="default">
            <interface>
              <member>ethernet1/1</member>
              <member>ethernet1/2</member>
            </interface>
            <routing-table>
              <ip>
                <static-route>
                  <entry name="DEFAULT-ISP-A">
                    <nexthop>
                      <ip-address>{u}1</ip-address>
                    </nexthop>
                    <interface>ethernet1/1</interface>
                    <destination>0.0.0.0/0</destination>
                  </entry>
                  <entry name="TO-DC-INTERNAL">
                    <nexthop>
                      <ip-address>{p}.250.2</ip-address>
                    </nexthop>
                    <interface>ethernet1/2</interface>
                    <destination>{p}.0.0/16</destination>
                  </entry>
                </static-route>
              </ip>
            </routing-table>
          </entry>
        </virtual-router>
      </network>
      <deviceconfig>
        <system>
          <hostname>{name}</hostname>
          <timezone>Asia/Tokyo</timezone>
          <ip-address>{p}.100.31</ip-address>
          <netmask>255.255.255.0</netmask>
          <default-gateway>{p}.100.1</default-gateway>
          <dns-setting>
            <servers>
              <primary>{p}.20.53</primary>
              <secondary>172.16.0.53</secondary>
            </servers>
          </dns-setting>
          <ntp-servers>
            <primary-ntp-server>
              <ntp-server-address>{NTP_OLD[0]}</ntp-server-address>
            </primary-ntp-server>
            <secondary-ntp-server>
              <ntp-server-address>{NTP_OLD[1]}</ntp-server-address>
            </secondary-ntp-server>
          </ntp-servers>
          <login-banner>Authorized access only.</login-banner>
          <snmp-setting>
            <snmp-system>
              <location>{s['location']}</location>
              <contact>NOC 06-0000-0000</contact>
            </snmp-system>
          </snmp-setting>
        </system>
      </deviceconfig>
      <vsys>
        <entry name="vsys1">
          <zone>
            <entry name="untrust">
              <network>
                <layer3>
                  <member>ethernet1/1</member>
                </layer3>
              </network>
            </entry>
            <entry name="trust">
              <network>
                <layer3>
                  <member>ethernet1/2</member>
                </layer3>
              </network>
            </entry>
          </zone>
          <address>
            <entry name="PUB-WEB">
              <ip-netmask>{u}10/32</ip-netmask>
            </entry>
            <entry name="VIP-WEB">
              <ip-netmask>{p}.110.100/32</ip-netmask>
            </entry>
            <entry name="NET-DC">
              <ip-netmask>{p}.0.0/16</ip-netmask>
            </entry>
            <entry name="HOST-PROXY">
              <ip-netmask>{p}.20.80/32</ip-netmask>
            </entry>
          </address>
          <rulebase>
            <security>
              <rules>
                <entry name="ALLOW-WEB-INBOUND">
                  <from>
                    <member>untrust</member>
                  </from>
                  <to>
                    <member>trust</member>
                  </to>
                  <source>
                    <member>any</member>
                  </source>
                  <destination>
                    <member>PUB-WEB</member>
                  </destination>
                  <application>
                    <member>ssl</member>
                    <member>web-browsing</member>
                  </application>
                  <service>
                    <member>application-default</member>
                  </service>
                  <action>allow</action>
                  <log-setting>SPLUNK</log-setting>
                </entry>
                <entry name="ALLOW-PROXY-OUTBOUND">
                  <from>
                    <member>trust</member>
                  </from>
                  <to>
                    <member>untrust</member>
                  </to>
                  <source>
                    <member>HOST-PROXY</member>
                  </source>
                  <destination>
                    <member>any</member>
                  </destination>
                  <application>
                    <member>ssl</member>
                    <member>web-browsing</member>
                  </application>
                  <service>
                    <member>application-default</member>
                  </service>
                  <action>allow</action>
                  <log-setting>SPLUNK</log-setting>
                </entry>
                <entry name="DENY-ALL">
                  <from>
                    <member>any</member>
                  </from>
                  <to>
                    <member>any</member>
                  </to>
                  <source>
                    <member>any</member>
                  </source>
                  <destination>
                    <member>any</member>
                  </destination>
                  <application>
                    <member>any</member>
                  </application>
                  <service>
                    <member>any</member>
                  </service>
                  <action>deny</action>
                  <log-setting>SPLUNK</log-setting>
                </entry>
              </rules>
            </security>
            <nat>
              <rules>
                <entry name="DNAT-WEB">
                  <from>
                    <member>untrust</member>
                  </from>
                  <to>
                    <member>untrust</member>
                  </to>
                  <source>
                    <member>any</member>
                  </source>
                  <destination>
                    <member>PUB-WEB</member>
                  </destination>
                  <service>any</service>
                  <destination-translation>
                    <translated-address>VIP-WEB</translated-address>
                  </destination-translation>
                </entry>
                <entry name="SNAT-PROXY">
                  <from>
                    <member>trust</member>
                  </from>
                  <to>
                    <member>untrust</member>
                  </to>
                  <source>
                    <member>HOST-PROXY</member>
                  </source>
                  <destination>
                    <member>any</member>
                  </destination>
                  <service>any</service>
                  <source-translation>
                    <dynamic-ip-and-port>
                      <interface-address>
                        <interface>ethernet1/1</interface>
                      </interface-address>
                    </dynamic-ip-and-port>
                  </source-translation>
                </entry>
              </rules>
            </nat>
          </rulebase>
        </entry>
      </vsys>
    </entry>
  </devices>
</config>
"""
    return x


def verify_set(s, flags):
    """Returns the `set`-format config of the East verification firewall `e-vpa01`."""
    p = s["p"]
    lines = [
        "set deviceconfig system hostname e-vpa01",
        "set deviceconfig system timezone Asia/Tokyo",
        f"set deviceconfig system ip-address {p}.100.39",
        "set deviceconfig system netmask 255.255.255.0",
        f"set deviceconfig system default-gateway {p}.100.1",
        f"set deviceconfig system dns-setting servers primary {p}.20.53",
        f"set deviceconfig system ntp-servers primary-ntp-server ntp-server-address {NTP_OLD[0]}",
        f"set deviceconfig system ntp-servers secondary-ntp-server ntp-server-address {NTP_OLD[1]}",
        "set deviceconfig system login-banner \"Verification environment. Authorized access only.\"",
        "set network profiles interface-management-profile PING-ONLY ping yes",
        f"set network interface ethernet ethernet1/1 layer3 ip {p}.251.1/29",
        "set network interface ethernet ethernet1/1 layer3 interface-management-profile PING-ONLY",
        "set network interface ethernet ethernet1/1 comment TO-CORE-VERIFY",
        f"set network interface ethernet ethernet1/2 layer3 ip {p}.110.254/24",
        "set network interface ethernet ethernet1/2 comment VERIFY-WEB-SEGMENT",
        "set network virtual-router default interface [ ethernet1/1 ethernet1/2 ]",
        "set network virtual-router default routing-table ip static-route DEFAULT nexthop ip-address "
        + f"{p}.251.6",
        "set network virtual-router default routing-table ip static-route DEFAULT interface ethernet1/1",
        "set network virtual-router default routing-table ip static-route DEFAULT destination 0.0.0.0/0",
        "set zone verify-core network layer3 ethernet1/1",
        "set zone verify-web network layer3 ethernet1/2",
        f"set address NET-VERIFY-WEB ip-netmask {p}.110.0/24",
        "set address NET-MGMT ip-netmask " + f"{p}.100.0/24",
        "set rulebase security rules ALLOW-MGMT-SSH from verify-core",
        "set rulebase security rules ALLOW-MGMT-SSH to verify-web",
        "set rulebase security rules ALLOW-MGMT-SSH source NET-MGMT",
        "set rulebase security rules ALLOW-MGMT-SSH destination NET-VERIFY-WEB",
        "set rulebase security rules ALLOW-MGMT-SSH application ssh",
        "set rulebase security rules ALLOW-MGMT-SSH service application-default",
        "set rulebase security rules ALLOW-MGMT-SSH action allow",
        "set rulebase security rules ALLOW-TEST-HTTP from verify-core",
        "set rulebase security rules ALLOW-TEST-HTTP to verify-web",
        "set rulebase security rules ALLOW-TEST-HTTP source any",
        "set rulebase security rules ALLOW-TEST-HTTP destination NET-VERIFY-WEB",
        "set rulebase security rules ALLOW-TEST-HTTP application [ web-browsing ssl ]",
        "set rulebase security rules ALLOW-TEST-HTTP service application-default",
        "set rulebase security rules ALLOW-TEST-HTTP action allow",
        "set rulebase security rules DENY-ALL from any",
        "set rulebase security rules DENY-ALL to any",
        "set rulebase security rules DENY-ALL source any",
        "set rulebase security rules DENY-ALL destination any",
        "set rulebase security rules DENY-ALL application any",
        "set rulebase security rules DENY-ALL service any",
        "set rulebase security rules DENY-ALL action deny",
    ]
    return "\n".join(lines) + "\n"
