package com.directuschat.web;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat parses the form bodies of {@code PATCH} (an edit's new text) as it does those of {@code POST}: strictly
 * (malformed percent-encoding or bytes that are not UTF-8 are a 400) and within the same size limit. Spring's
 * {@code FormContentFilter}, which read them before, answered {@code %ZZ} with a 500 and turned bytes that are not
 * UTF-8 into U+FFFD, so such an edit was stored; it is off ({@code spring.mvc.formcontent.filter.enabled}).
 */
@Component
class FormBodies implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    static final String PARSED_METHODS = "POST,PATCH";

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setParseBodyMethods(PARSED_METHODS));
    }
}
