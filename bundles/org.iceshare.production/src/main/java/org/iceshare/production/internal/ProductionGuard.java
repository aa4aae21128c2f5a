package org.iceshare.production.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AccountException;
import javax.security.auth.login.CredentialException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.iceshare.production.internal.ProductionCheck.Login;
import org.iceshare.production.internal.ProductionCheck.Setup;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production mode inside the running container: applies {@link ProductionCheck} to the live configuration
 * when it starts and whenever a configuration it looks at changes, and stops the framework, with the reason
 * at ERROR in the log, when the container listens on a non-loopback address while the default credentials
 * work. This is what holds whoever starts Karaf (bin/karaf, bin/start, a service wrapper, a test harness) and
 * whatever changes the configuration later; {@code bin/setenv} runs the same check on {@code etc/} before
 * Java starts, so that the usual starts refuse before any port opens and say so on the terminal.
 *
 * <p>Whether {@code karaf}/{@code karaf} logs in is asked of JAAS (realm {@code karaf}), which knows about
 * encrypted passwords and other login modules; when the realm cannot answer yet, {@code users.properties} is
 * read as the pre-start check does.
 *
 * <p><b>Threading:</b> checks run on a single thread of their own, never on SCR's or the configuration
 * admin's.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public final class ProductionGuard implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionGuard.class);
    private static final Set<String> WATCHED = Set.of(EtcSetup.SHELL, EtcSetup.WEB, EtcSetup.JMX, EtcSetup.JAAS,
            EtcSetup.TRACKER, EtcSetup.SOURCE);

    private final BundleContext context;
    private final ConfigurationAdmin configs;
    private final ExecutorService checks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "iceshare-production-check");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean refused;

    @Activate
    public ProductionGuard(BundleContext context, @Reference ConfigurationAdmin configs) {
        this.context = context;
        this.configs = configs;
        checks.execute(this::check);
    }

    @Deactivate
    void deactivate() {
        checks.shutdownNow();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (WATCHED.contains(event.getPid()) || EtcSetup.PEER.equals(event.getFactoryPid())) {
            checks.execute(this::check);
        }
    }

    private void check() {
        if (refused) {
            return;
        }
        Setup setup;
        try {
            setup = EtcSetup.setup(live(), "etc/", login());
        } catch (RuntimeException e) {
            LOG.error("IceShare production check failed to read the configuration; it checks again at the next change",
                    e);
            return;
        }
        Optional<String> refusal = ProductionCheck.refusal(setup);
        if (refusal.isEmpty()) {
            long exposed = setup.bindings().stream().filter(b -> !b.loopback()).count();
            if (exposed > 0) {
                LOG.info("IceShare production mode: {} listener(s) on non-loopback addresses, with credentials of "
                        + "your own", exposed);
            }
            return;
        }
        refused = true;
        for (String line : refusal.get().split("\n")) {
            LOG.error("{}", line);
        }
        LOG.error("Stopping the container (production mode).");
        Thread stop = new Thread(() -> {
            try {
                context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).stop();
            } catch (BundleException | RuntimeException e) {
                LOG.error("IceShare production mode could not stop the container", e);
            }
        }, "iceshare-production-stop");
        stop.setDaemon(true);
        stop.start();
    }

    /** The live configuration, by PID. */
    private EtcSetup.Configs live() {
        return new EtcSetup.Configs() {
            @Override
            public Map<String, String> pid(String pid) {
                Configuration[] found = list("(" + Constants.SERVICE_PID + "=" + pid + ")");
                return found == null || found.length == 0 ? null : strings(found[0].getProperties());
            }

            @Override
            public Map<String, Map<String, String>> factory(String factoryPid) {
                Map<String, Map<String, String>> out = new TreeMap<>();
                Configuration[] found = list("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + factoryPid + ")");
                if (found != null) {
                    for (Configuration c : found) {
                        Map<String, String> props = strings(c.getProperties());
                        if (props != null) {
                            out.put(instance(props, factoryPid, c.getPid()), props);
                        }
                    }
                }
                return out;
            }
        };
    }

    /** The instance's name as in its file, {@code etc/<factory>-<name>.cfg}, else its name property. */
    private static String instance(Map<String, String> props, String factoryPid, String pid) {
        String file = props.get("felix.fileinstall.filename");
        if (file != null) {
            String n = file.substring(file.lastIndexOf('/') + 1);
            if (n.startsWith(factoryPid + "-") && n.endsWith(".cfg")) {
                return n.substring(factoryPid.length() + 1, n.length() - 4);
            }
        }
        return props.getOrDefault("name", pid);
    }

    private Configuration[] list(String filter) {
        try {
            return configs.listConfigurations(filter);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot list configurations " + filter + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> strings(Dictionary<String, Object> d) {
        if (d == null) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            Object v = d.get(k);
            if (v != null) {
                out.put(k, v.toString());
            }
        }
        return out;
    }

    /** Whether {@code karaf}/{@code karaf} logs in: JAAS first, else {@code users.properties}. */
    private Login login() {
        Login jaas = jaasLogin();
        if (jaas != null) {
            return jaas;
        }
        String etc = context.getProperty("karaf.etc");
        if (etc == null) {
            return Login.UNKNOWN;
        }
        Map<String, String> users = EtcSetup.load(Path.of(etc, "users.properties"), Map.of());
        return users == null ? Login.CHANGED : EtcSetup.login(users, live().pid(EtcSetup.JAAS));
    }

    /** Asks the realm {@code karaf}; null when it cannot answer (not registered yet, no JAAS). */
    private Login jaasLogin() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(ProductionGuard.class.getClassLoader());
        try {
            LoginContext login = new LoginContext("karaf", new Subject(), callbacks -> {
                for (var cb : callbacks) {
                    if (cb instanceof NameCallback n) {
                        n.setName(ProductionCheck.DEFAULT_USER);
                    } else if (cb instanceof PasswordCallback p) {
                        p.setPassword(ProductionCheck.DEFAULT_PASSWORD.toCharArray());
                    }
                }
            });
            login.login();
            login.logout();
            return Login.DEFAULT;
        } catch (FailedLoginException | AccountException | CredentialException e) {
            return Login.CHANGED;
        } catch (LoginException | RuntimeException e) {
            LOG.debug("JAAS realm karaf cannot tell whether the default login works: {}", e.toString());
            return null;
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Whether this guard stopped the container (tests). */
    boolean refused() {
        return refused;
    }
}
